namespace Informatiedeling.Storage.Policy;

/// <summary>
/// A proposed change of the sharing rules, from its author's submission to its approval or rejection. Holds the
/// submitted policy and test files (rules, no personal data), what the validation found, the diff by meaning and
/// the impact replayed for its current revision, and who decided on it. Instants are Unix milliseconds.
/// </summary>
public sealed class PolicyProposalRow
{
    public long Id { get; init; }

    /// <summary>Raised by every change of the files; an approval names the revision it approves.</summary>
    public int Revision { get; set; }

    /// <summary><c>open</c>, <c>scheduled</c> (approved, in force from <see cref="EffectiveAt"/>), <c>activated</c>, <c>rejected</c>.</summary>
    public required string Status { get; set; }

    public required string Title { get; set; }

    public required string AuthorPartner { get; init; }

    public required string AuthorUser { get; init; }

    /// <summary>The version in force the proposal was made against; its diff and impact are relative to it.</summary>
    public required string BaseHash { get; set; }

    /// <summary>The content hash of the proposed set (the convenant and the policy files, as the loader hashes them).</summary>
    public required string ContentHash { get; set; }

    /// <summary>The submitted files as a JSON object of file name to text: policy files, and test files under <c>tests/</c>.</summary>
    public required string Files { get; set; }

    /// <summary>The policy tests that passed for this revision (every one must, with every rule covered).</summary>
    public int TestsPassed { get; set; }

    /// <summary>The diff by meaning against <see cref="BaseHash"/>, as JSON.</summary>
    public required string Diff { get; set; }

    /// <summary>Whether the proposal gives any partner more than the version in force: its approval must acknowledge that.</summary>
    public bool Widens { get; set; }

    /// <summary>The impact report of the replay for <see cref="ImpactRevision"/>, as JSON; none until replayed.</summary>
    public string? Impact { get; set; }

    public int? ImpactRevision { get; set; }

    public string? DeciderPartner { get; set; }

    public string? DeciderUser { get; set; }

    public int? ApprovedRevision { get; set; }

    public bool WideningAcknowledged { get; set; }

    /// <summary>Why a privacy officer rejected it (about rules, never about a person).</summary>
    public string? Reason { get; set; }

    public long? DecidedAt { get; set; }

    /// <summary>When an approved proposal comes into force.</summary>
    public long? EffectiveAt { get; set; }

    public long CreatedAt { get; init; }

    public long UpdatedAt { get; set; }
}

/// <summary>
/// One activation of a policy version: from <see cref="EffectiveAt"/> on, every instance decides under
/// <see cref="ContentHash"/> (until a later activation takes effect). The first is the shipped set of an empty database.
/// </summary>
public sealed class PolicyActivationRow
{
    /// <summary>1, 2, …: chosen by the writer as the next number, so two instances cannot both write the same one.</summary>
    public long Seq { get; init; }

    public required string ContentHash { get; init; }

    /// <summary>The proposal it comes from; none for the shipped set an empty database starts from.</summary>
    public long? ProposalId { get; init; }

    public long EffectiveAt { get; init; }

    public long RecordedAt { get; init; }

    public required string ActorPartner { get; init; }

    public required string ActorUser { get; init; }
}
