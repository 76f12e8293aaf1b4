namespace Informatiedeling.Storage.Cases;

/// <summary>When a case entered a step (at intake, and at every move to the next step).</summary>
public sealed class CaseStepRow
{
    public required string Case { get; init; }

    public required string Step { get; init; }

    public required DateTimeOffset EnteredAt { get; init; }
}

/// <summary>
/// The anonymous evaluation record of a closed case (convenant art. 3.7, 7.4, 8.6): only the catalogue's
/// <c>evaluation: true</c> enum values, the closure reason and dates, never anything that identifies.
/// <see cref="Case"/> links it to its case while the case exists; purging the case leaves it null.
/// </summary>
public sealed class CaseEvaluationRow
{
    public required Guid Id { get; init; }

    public string? Case { get; set; }

    public string? ExploitationType { get; init; }

    public string? Outcome { get; init; }

    public required string ClosureReason { get; init; }

    public required DateOnly ClosedOn { get; init; }

    public List<CaseEvaluationStepRow> Steps { get; init; } = [];
}

/// <summary>The day a closed case entered a step, as its evaluation record keeps it.</summary>
public sealed class CaseEvaluationStepRow
{
    public required Guid Evaluation { get; init; }

    public required string Step { get; init; }

    public required DateOnly EnteredOn { get; init; }
}
