using System.Diagnostics;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;

namespace Informatiedeling.Hub.Access;

/// <summary>
/// What one request did, for the access log: the operation, the case (if any), the decision and the rule that
/// governed it, the caller's role, what it concerned, by identifier only, never a field value, and the rest of what
/// the decision was taken on, and what the engine decided in it (its basis; none when the record is not the engine's decision).
/// </summary>
internal sealed record AccessEvent(
    string Operation,
    AccessDecision Decision,
    CasePseudonym? Case = null,
    Explanation? Rule = null,
    string? Role = null,
    string? Purpose = null,
    string? Subject = null,
    IReadOnlyList<string>? Categories = null,
    CaseInputs? Inputs = null,
    string? Basis = null);

/// <summary>
/// The inputs of a decision beyond partner, role and purpose, so that it can be replayed: the case's step and status
/// and the end of the caller's invitation as the gate found them (none when no case was found), and whether the
/// request gave a justification.
/// </summary>
internal sealed record CaseInputs(string? Step, string? CaseStatus, DateTimeOffset? InvitedUntil, bool JustificationGiven)
{
    /// <summary>What <paramref name="access"/> was decided on: on a case, the case as found and the caller's standing on it.</summary>
    public static CaseInputs Of(Access access) => access is CaseAccess onCase
        ? new(onCase.State.Step, StatusName(onCase.State.Status), onCase.Standing.InvitedUntil, access.JustificationGiven)
        : new(access.NewCaseStep, access.NewCaseStep is null ? null : AccessRecord.OpenStatus, null, access.JustificationGiven);

    private static string StatusName(Informatiedeling.Policy.CaseStatus status) => status == Informatiedeling.Policy.CaseStatus.Closed ? AccessRecord.ClosedStatus : AccessRecord.OpenStatus;
}

/// <summary>What a read released, beyond the decision itself: categories, field names, emergency and its sealed justification.</summary>
internal sealed record Release(
    Guid RecordId,
    IReadOnlyList<string> Released,
    IReadOnlyList<string> Withheld,
    IReadOnlyList<string> Fields,
    IReadOnlyList<string> Obligations,
    bool Emergency,
    SealedJustification? Justification,
    Sensitivity Sensitivity);

/// <summary>
/// The hub's builders of access-log records, one per kind: every field a record carries (and what a replay of the
/// decision needs: the policy set's hash, rule and article, partner, role, purpose, case) is set here and nowhere
/// else. Only identifiers the convenant knows are recorded: whatever else a caller typed stays out of the log.
/// </summary>
internal static class AccessRecords
{
    /// <summary>The role recorded for the privacy officer's own reads, who acts by function, not by a RASCI role.</summary>
    public const string PrivacyOfficerRole = "privacy-officer";

    /// <summary>The role recorded for a partner's own privacy officer, who reviews that partner's employees.</summary>
    public const string PartnerPrivacyOfficerRole = "partner-privacy-officer";

    /// <summary>The role recorded for the functional administrator, who proposes changes of the sharing rules.</summary>
    public const string FunctionalAdministratorRole = "functioneel-beheerder";

    /// <summary>An access decision (<see cref="AccessEventKind.AccessDecision"/>): on a case, on figures, on a feed; with what a read released.</summary>
    public static AccessRecord Decision(Caller caller, PolicyEngine engine, DateTimeOffset at, AccessEvent e, Release? release = null)
    {
        var record = Common(AccessEventKind.AccessDecision, caller, engine, at, e);
        return release is null ? record : record with
        {
            Id = release.RecordId,
            CategoriesRequested = [.. release.Released, .. release.Withheld],
            CategoriesReleased = release.Released,
            CategoriesWithheld = release.Withheld,
            FieldsReleased = release.Fields,
            Obligations = release.Obligations,
            Emergency = release.Emergency,
            Justification = release.Justification,
            Sensitivity = release.Sensitivity,
        };
    }

    /// <summary>A legal hold placed, lifted or refused, or its reason read by the privacy officer (<see cref="AccessEventKind.LegalHold"/>): the hold's id as subject.</summary>
    public static AccessRecord LegalHold(Caller caller, PolicyEngine engine, DateTimeOffset at, AccessEvent e) =>
        Common(AccessEventKind.LegalHold, caller, engine, at, e);

    /// <summary>A read of the access log itself (<see cref="AccessEventKind.LogRead"/>): its parameters as subject, never a personal value.</summary>
    public static AccessRecord LogRead(Caller caller, PolicyEngine engine, DateTimeOffset at, AccessEvent e) =>
        Common(AccessEventKind.LogRead, caller, engine, at, e);

    /// <summary>
    /// A step in changing the sharing rules (<see cref="AccessEventKind.PolicyChange"/>), or a version activated
    /// (<see cref="AccessEventKind.PolicyPublished"/>): the proposal, revision and version hashes as subject.
    /// </summary>
    public static AccessRecord PolicyChange(AccessEventKind kind, Caller caller, PolicyEngine engine, DateTimeOffset at, AccessEvent e) =>
        kind is AccessEventKind.PolicyChange or AccessEventKind.PolicyPublished
            ? Common(kind, caller, engine, at, e)
            : throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a kind of policy record.");

    private static AccessRecord Common(AccessEventKind kind, Caller caller, PolicyEngine engine, DateTimeOffset at, AccessEvent e)
    {
        var v = engine.Vocabulary;
        var knownPurpose = e.Purpose is not null && v.Purposes.TryGetIndex(e.Purpose, out var purposeIndex) ? purposeIndex : -1;
        return new AccessRecord
        {
            Id = Guid.NewGuid(),
            Kind = kind,
            OccurredAt = at,
            TraceId = Activity.Current?.TraceId,
            SpanId = Activity.Current?.SpanId,
            ActorUser = caller.User,
            ActorPartner = caller.ActorPartner,
            Role = e.Role,
            Case = e.Case,
            Purpose = knownPurpose >= 0 && PurposeId.TryParse(e.Purpose, out var purpose) ? purpose : null,
            LegalGround = knownPurpose >= 0 ? v.PurposeDefinitions[knownPurpose].LegalGround : null,
            Operation = e.Operation,
            Subject = e.Subject,
            Decision = e.Decision,
            Rule = e.Rule?.RuleId,
            Article = e.Rule?.Article,
            PolicySetHash = engine.Set.ContentHash,
            CategoriesRequested = [.. (e.Categories ?? []).Where(c => v.Categories.TryGetIndex(c, out _))],
            Step = e.Inputs?.Step,
            CaseStatus = e.Inputs?.CaseStatus,
            InvitedUntil = e.Inputs?.InvitedUntil,
            JustificationGiven = e.Inputs?.JustificationGiven ?? false,
            Basis = e.Basis,
        };
    }
}
