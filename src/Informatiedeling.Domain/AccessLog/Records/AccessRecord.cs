using System.Diagnostics;
using System.Text.Json.Serialization;
using Informatiedeling.Cases;
using Informatiedeling.Policy;

namespace Informatiedeling.AccessLog.Records;

/// <summary>What happened, from the closed list of events the access log records.</summary>
public enum AccessEventKind : byte
{
    AccessDecision = 1,
    PolicyPublished = 2,
    RoleAssigned = 3,
    InvitationGiven = 4,
    KeyRotated = 5,
    KeyDestroyed = 6,
    Purge = 7,
    LegalHold = 8,
    LogRead = 9,

    /// <summary>The log commits again after failed commits: written by the probe that found it so.</summary>
    LogResumed = 10,

    /// <summary>A step in changing the sharing rules: proposed, validated, replayed, approved, rejected (activation is <see cref="PolicyPublished"/>).</summary>
    PolicyChange = 11,
}

/// <summary>The outcome of an access decision; <see cref="None"/> for administrative events.</summary>
public enum AccessDecision : byte
{
    [JsonStringEnumMemberName("none")]
    None = 0,
    [JsonStringEnumMemberName("permit")]
    Permit = 1,
    [JsonStringEnumMemberName("partial")]
    Partial = 2,
    [JsonStringEnumMemberName("deny")]
    Deny = 3,
    [JsonStringEnumMemberName("error")]
    Error = 4,
}

/// <summary>How sensitive the data touched is (NEN 7513): special-category data (GDPR art. 9) is <see cref="Special"/>.</summary>
public enum Sensitivity : byte
{
    None = 0,
    Normal = 1,
    Special = 2,
    Criminal = 3,
}

/// <summary>
/// The justification of an emergency release, only ever as ciphertext under the case's "toegangslog" key
/// (version <see cref="KeyVersion"/>): destroying that key removes the text while the record's hash stays valid.
/// </summary>
public sealed record SealedJustification(int KeyVersion, ReadOnlyMemory<byte> Ciphertext);

/// <summary>
/// One line of the access log (toegangslog), with the fields of the Logboek Dataverwerkingen (trace and span id,
/// processing activity and its legal ground, pseudonymous data subject, the caller's operation) and its NEN 7513
/// extension (role, purpose of use, sensitivity, the permission policy applied, emergency). Names, never values:
/// no field holds personal data in plaintext.
/// </summary>
public sealed record AccessRecord
{
    /// <summary>Unique id of the record, chosen by the caller; binds the sealed justification to this record.</summary>
    public required Guid Id { get; init; }

    public required AccessEventKind Kind { get; init; }

    /// <summary>When the event happened (the writer adds when it was recorded).</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    public ActivityTraceId? TraceId { get; init; }

    public ActivitySpanId? SpanId { get; init; }

    /// <summary>The acting person as the partner's identity provider names them (a subject id, not a name).</summary>
    public string? ActorUser { get; init; }

    public PartnerId? ActorPartner { get; init; }

    /// <summary>The actor's RASCI role on the case, or an administrative role.</summary>
    public string? Role { get; init; }

    /// <summary>The data subject, pseudonymously; none for administrative events.</summary>
    public CasePseudonym? Case { get; init; }

    /// <summary>The processing activity (doel) and its legal ground (grondslag).</summary>
    public PurposeId? Purpose { get; init; }

    public string? LegalGround { get; init; }

    /// <summary>The calling organisation's operation (Logboek Dataverwerkingen), e.g. "client-file.read".</summary>
    public string? Operation { get; init; }

    public IReadOnlyList<string> CategoriesRequested { get; init; } = [];

    public IReadOnlyList<string> CategoriesReleased { get; init; } = [];

    public IReadOnlyList<string> CategoriesWithheld { get; init; } = [];

    /// <summary>Names of the fields released, never their values.</summary>
    public IReadOnlyList<string> FieldsReleased { get; init; } = [];

    public AccessDecision Decision { get; init; }

    public string? Rule { get; init; }

    public string? Article { get; init; }

    /// <summary>SHA-256 content hash of the policy set in force, so that the decision can be replayed.</summary>
    public string? PolicySetHash { get; init; }

    public IReadOnlyList<string> Obligations { get; init; } = [];

    public bool Emergency { get; init; }

    public SealedJustification? Justification { get; init; }

    public Sensitivity Sensitivity { get; init; }

    /// <summary>
    /// The case's process step when the decision was taken (a step id of steps.yaml); none when no case was found or
    /// the event concerns none. Recorded from encoding version 2 on.
    /// </summary>
    public string? Step { get; init; }

    /// <summary>
    /// The case's status when the decision was taken, <see cref="OpenStatus"/> or <see cref="ClosedStatus"/>; none when no
    /// case was found or the event concerns none. Recorded from encoding version 2 on.
    /// </summary>
    public string? CaseStatus { get; init; }

    /// <summary>
    /// The end of the caller's invitation on the case, as the decision saw it (a shell partner stands on a case only
    /// until then); none when the caller was not invited or no case was found. Recorded from encoding version 2 on.
    /// </summary>
    public DateTimeOffset? InvitedUntil { get; init; }

    /// <summary>
    /// Whether the request gave a justification (the emergency reason some purposes require), as the decision counted it:
    /// the text itself is only ever in <see cref="Justification"/>, sealed. Recorded from encoding version 2 on; false in
    /// older records.
    /// </summary>
    public bool JustificationGiven { get; init; }

    /// <summary>
    /// What the engine decided in this record, so that a replay can decide it again from the record alone: a read under
    /// a purpose, aggregated figures, mere standing or an action, as <see cref="DecisionBasis"/> spells them. None for every record that is not the engine's
    /// decision (an error, a conflict, a refusal by a later rule, no case found, a log read, an administrative event).
    /// Recorded from encoding version 3 on.
    /// </summary>
    public string? Basis { get; init; }

    /// <summary>
    /// An administrative event (policy published, key rotated or destroyed, …): who did what to what, by identifier,
    /// with the current trace and span when there is one.
    /// </summary>
    public static AccessRecord Administrative(
        AccessEventKind kind, string operation, string subject, string actorUser, DateTimeOffset at, CasePseudonym? pseudonym = null, string? rule = null, string? article = null) => new()
    {
        Id = Guid.NewGuid(),
        Kind = kind,
        OccurredAt = at,
        TraceId = System.Diagnostics.Activity.Current?.TraceId,
        SpanId = System.Diagnostics.Activity.Current?.SpanId,
        ActorUser = actorUser,
        Role = "beheer",
        Case = pseudonym,
        Operation = operation,
        Subject = subject,
        Rule = rule,
        Article = article,
    };

    /// <summary>The <see cref="CaseStatus"/> of an open case.</summary>
    public const string OpenStatus = "open";

    /// <summary>The <see cref="CaseStatus"/> of a closed case.</summary>
    public const string ClosedStatus = "closed";

    /// <summary>For administrative events: what was acted on, by identifier (a policy hash, a role, a key id); never personal data.</summary>
    public string? Subject { get; init; }
}

/// <summary>
/// A record as the log holds it: its place in the log, when it was committed, and the encoding version its leaf was
/// written in, so that re-encoding it (<see cref="AccessRecordEncoding.Encode(LoggedRecord)"/>) gives the same leaf.
/// </summary>
public sealed record LoggedRecord(long Seq, DateTimeOffset RecordedAt, AccessRecord Record, byte EncodingVersion = AccessRecordEncoding.Version);
