using System.Text.Json.Serialization;
using Informatiedeling.AccessLog.Records;

namespace Informatiedeling.Policy.Replay;

/// <summary>
/// What replaying the recorded decisions of a window found: whether the versions in force reproduce what was recorded
/// (so that the figures can be trusted), and what a proposed policy set would have decided otherwise. Counts, seqs and
/// the convenant's identifiers only (partners, purposes, categories, rules): never a person, a case or a user.
/// </summary>
/// <param name="From">The window's start (recorded at or after it).</param>
/// <param name="To">The window's end (recorded before it).</param>
/// <param name="Scanned">Records of the window looked at.</param>
/// <param name="Replayed">Records decided again, under the version they name and under the proposal.</param>
/// <param name="ReplayedByBasis">Of those, how many per basis kind ("purpose", "figures", "standing", "action").</param>
public sealed record ImpactReport(
    DateTimeOffset From,
    DateTimeOffset To,
    long Scanned,
    long Replayed,
    IReadOnlyDictionary<string, long> ReplayedByBasis,
    NotReplayable NotReplayable,
    Reproduction Reproduction,
    ProposalImpact Proposal)
{
    /// <summary>Every replayable record was reproduced exactly under its own version, and no version was missing.</summary>
    public bool Trusted => Reproduction.Mismatches == 0 && NotReplayable.VersionMissing == 0;
}

/// <summary>Records of the window that could not be decided again, by reason.</summary>
/// <param name="NoBasis">Not the engine's decision (errors, conflicts, later refusals, no case found, log reads, administrative events).</param>
/// <param name="BeforeBasis">Recorded before decisions carried their basis (encoding version below 3).</param>
/// <param name="VersionMissing">The policy version the record names is not stored (or names none).</param>
/// <param name="UnknownBasis">A basis this code does not know how to decide.</param>
public sealed record NotReplayable(long NoBasis, long BeforeBasis, long VersionMissing, long UnknownBasis)
{
    public long Total => NoBasis + BeforeBasis + VersionMissing + UnknownBasis;
}

/// <summary>Whether deciding each record again under the version it names gives what was recorded.</summary>
/// <param name="Mismatches">Records decided otherwise than recorded.</param>
/// <param name="Samples">The first of them (at most <see cref="DecisionReplay.MismatchSamples"/>).</param>
public sealed record Reproduction(long Mismatches, IReadOnlyList<ReplayMismatch> Samples);

/// <summary>One record decided otherwise than recorded: what it recorded, what the replay decided, and what differs ("decision", "released", "rule").</summary>
public sealed record ReplayMismatch(long Seq, ReplayedOutcome Recorded, ReplayedOutcome Replayed, IReadOnlyList<string> Differs);

/// <summary>An outcome, the categories it released (by name) and the rule that governed it.</summary>
public sealed record ReplayedOutcome(
    [property: JsonConverter(typeof(JsonStringEnumConverter<AccessDecision>))] AccessDecision Decision, IReadOnlyList<string> Released, string? Rule);

/// <summary>
/// How the proposal would have decided the replayed records, compared with the version in force then: a release (or a
/// permitted action) now refused, a refusal now released, both releasing other categories, or the same; in total, per
/// partner, per purpose (for a record without purpose its basis: "standing", "action:…"), and per category gained or lost.
/// </summary>
public sealed record ProposalImpact(
    ImpactCounts Total,
    IReadOnlyList<ImpactRow> ByPartner,
    IReadOnlyList<ImpactRow> ByPurpose,
    IReadOnlyList<CategoryImpact> ByCategory);

/// <summary>Replayed records by how the proposal changes them.</summary>
public sealed record ImpactCounts(long PermitToDeny, long DenyToPermit, long CategoriesChanged, long Unchanged)
{
    public long Changed => PermitToDeny + DenyToPermit + CategoriesChanged;
}

/// <summary>The changes for one partner or one purpose, with the seqs of up to <see cref="DecisionReplay.RowSamples"/> changed records.</summary>
public sealed record ImpactRow(string Key, ImpactCounts Counts, IReadOnlyList<long> Samples);

/// <summary>How often the proposal would release a category the version in force withheld (gained) or withhold one it released (lost).</summary>
public sealed record CategoryImpact(string Category, long Gained, long Lost, IReadOnlyList<long> Samples);
