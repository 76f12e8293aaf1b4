using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Informatiedeling.Hub.Cases;

/// <summary>
/// A report taken in by the reporting point: who it is about (to find an existing file) and its fields, each in the
/// JSON type the field catalogue gives it (a boolean for yes/no, a number for a whole number, a string otherwise).
/// </summary>
public sealed record IntakeRequest([property: Required] IntakePerson? Person, [property: Required] Dictionary<string, JsonElement>? Fields);

/// <summary>
/// The name and date of birth of the person reported on; used only for the keyed blind index. A blank name would
/// index every nameless report born on one day as one person, so a name is required.
/// </summary>
public sealed record IntakePerson(
    [property: Required, PersonName] string? FullName,
    [property: Required, NotInTheFuture] DateOnly? DateOfBirth);

/// <summary>The case the report went into, and whether it was opened for it.</summary>
public sealed record IntakeResult(string Pseudonym, bool Created);

/// <summary>What a partner received of a case under a purpose: released field values and the categories withheld, with why.</summary>
public sealed record CaseData(
    string Pseudonym,
    string Step,
    string Status,
    string Purpose,
    string Rule,
    string Article,
    IReadOnlyDictionary<string, string> Fields,
    IReadOnlyList<WithheldCategory> Withheld,
    IReadOnlyList<DestroyedCategory> Destroyed,
    IReadOnlyList<string> Obligations)
{
    /// <summary>Reports added to the file after it was opened, oldest first, each with the fields of it this read releases.</summary>
    public IReadOnlyList<AddedReport> Reports { get; init; } = [];

    /// <summary>Under <c>evaluatie</c> on a closed case: the anonymous evaluation record, and never a field.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public EvaluationRecord? Evaluation { get; init; }
}

/// <summary>A report added to an existing file: when it came in, from which partner, and its fields released to this read.</summary>
public sealed record AddedReport(DateTimeOffset ReceivedAt, string Source, IReadOnlyDictionary<string, string> Fields);

/// <summary>A requested category that was not released: why, in English and in Dutch for the person reading it, and the rule and article.</summary>
public sealed record WithheldCategory(string Category, string Reason, string Rule, string Article)
{
    /// <summary>The reason as a Dutch sentence in the convenant's terms (the pages show it; partner systems may).</summary>
    public required string ReasonDutch { get; init; }
}


/// <summary>A case's metadata, as any role on it may see it (art. 6.4), with the caller's role in the current step.</summary>
public sealed record CaseSummary(
    string Pseudonym,
    string Step,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ClosedAt,
    string? ClosureReason,
    string? YourRole,
    IReadOnlyList<CaseStep> Steps);

/// <summary>A case on which the caller's partner holds a role in the current step: since when the case is in that step, and the role.</summary>
public sealed record MyCase(string Pseudonym, string Step, string Status, DateTimeOffset InStepSince, string Role);

/// <summary>A page of "my cases"; <see cref="Next"/> is the cursor for the page after it, null on the last page.</summary>
public sealed record CaseListPage(IReadOnlyList<MyCase> Cases, string? Next);

/// <summary>When the case entered a step.</summary>
public sealed record CaseStep(string Step, DateTimeOffset EnteredAt);

/// <summary>Which fields a write stored (names only, never values).</summary>
public sealed record WriteResult(string Pseudonym, IReadOnlyList<string> FieldsWritten);

/// <summary>A weighing recorded: <c>eerste-weging</c> or <c>tweede-weging</c>, with fields of that weighing only.</summary>
public sealed record WeighingRequest(string? Weighing, Dictionary<string, JsonElement>? Fields);

/// <summary>Fields written under a declared purpose: each field's category must be one the caller may receive under it here.</summary>
public sealed record FieldsRequest(string? Purpose, Dictionary<string, JsonElement>? Fields);

/// <summary>Finish the current step; <see cref="From"/> must be the step the case is in, so that two moves cannot skip one.</summary>
public sealed record StepRequest(string? From);

/// <summary>The core partners' roles in one step (partner → R, A, S, C or I); replaces the core partners' roles of that step.</summary>
public sealed record RasciRequest(Dictionary<string, string>? Assignments);

/// <summary>A shell partner invited on the case until a moment in the future.</summary>
public sealed record InvitationRequest(string? Partner, DateTimeOffset? Until);

/// <summary>Close the case with one of the convenant's closure reasons.</summary>
public sealed record ClosureRequest(string? Reason);

/// <summary>
/// The anonymous evaluation record of a closed case (art. 3.7, 7.4): enum values and days only, nothing that
/// identifies; <see cref="ClosedAt"/> and the steps' days are dates without a time of day.
/// </summary>
public sealed record EvaluationRecord(string? ExploitationType, string? Outcome, string ClosureReason, DateOnly ClosedAt, IReadOnlyList<EvaluationStep> Steps);

public sealed record EvaluationStep(string Step, DateOnly EnteredAt);
/// <summary>A category whose data was destroyed; after a retention purge, under which rule and article of the convenant.</summary>
public sealed record DestroyedCategory(string Category, DateTimeOffset DestroyedAt, string? Rule = null, string? Article = null);
