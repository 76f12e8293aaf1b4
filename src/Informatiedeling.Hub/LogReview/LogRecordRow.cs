using Informatiedeling.AccessLog.Records;
using Informatiedeling.Storage.AccessLog;

namespace Informatiedeling.Hub.LogReview;

/// <summary>
/// One record of the access log as the privacy officer reads it: when; who (user, partner, role); what (operation,
/// case, purpose and legal ground, categories requested, released and withheld, the names of the fields released);
/// the decision, the rule and article it rests on and the policy version (the hash of the policy set in force); the
/// obligations; whether it was an emergency release and whether a sealed justification is kept with it (its text only
/// in the review queue); and what the decision was taken on, so that it can be replayed: the case's step and status,
/// the end of the caller's invitation, whether a justification was given (records from before encoding version 2 have
/// none of these). Identifiers and names only: no field value is ever in the log.
/// </summary>
public sealed record LogRecordRow(
    long Seq,
    DateTimeOffset RecordedAt,
    DateTimeOffset OccurredAt,
    string Kind,
    string? User,
    string? Partner,
    string? Role,
    string? Case,
    string? Operation,
    string? Purpose,
    string? LegalGround,
    IReadOnlyList<string> CategoriesRequested,
    IReadOnlyList<string> CategoriesReleased,
    IReadOnlyList<string> CategoriesWithheld,
    IReadOnlyList<string> FieldsReleased,
    string? Decision,
    string? Rule,
    string? Article,
    string? PolicyVersion,
    IReadOnlyList<string> Obligations,
    bool Emergency,
    bool JustificationSealed,
    string? Subject,
    string? TraceId,
    string? Step,
    string? CaseStatus,
    DateTimeOffset? InvitedUntil,
    bool JustificationGiven)
{
    /// <summary>
    /// The row of <paramref name="logged"/> as <paramref name="scope"/> may see it. A partner's own privacy officer does
    /// not see, on a refusal, the rule or what it was decided on (the case's step, status, invitation): an employee
    /// refused a case they have no standing on was answered as for a case that does not exist, and their privacy
    /// officer learns no more of another partner's case than they did.
    /// </summary>
    internal static LogRecordRow Of(LoggedRecord logged, Access.OfficerScope scope)
    {
        ArgumentNullException.ThrowIfNull(logged);
        ArgumentNullException.ThrowIfNull(scope);
        var row = Of(logged);
        return scope.All || logged.Record.Decision is not (AccessDecision.Deny or AccessDecision.Error)
            ? row
            : row with { Rule = null, Article = null, Step = null, CaseStatus = null, InvitedUntil = null };
    }

    public static LogRecordRow Of(LoggedRecord logged)
    {
        ArgumentNullException.ThrowIfNull(logged);
        var r = logged.Record;
        return new LogRecordRow(
            logged.Seq,
            logged.RecordedAt,
            r.OccurredAt,
            AccessLogNames.Kind(r.Kind),
            r.ActorUser,
            r.ActorPartner?.Value,
            r.Role,
            r.Case?.Value,
            r.Operation,
            r.Purpose?.Value,
            r.LegalGround,
            r.CategoriesRequested,
            r.CategoriesReleased,
            r.CategoriesWithheld,
            r.FieldsReleased,
            r.Decision == AccessDecision.None ? null : AccessLogNames.Decision(r.Decision),
            r.Rule,
            r.Article,
            r.PolicySetHash,
            r.Obligations,
            r.Emergency,
            r.Justification is not null,
            r.Subject,
            r.TraceId?.ToHexString(),
            r.Step,
            r.CaseStatus,
            r.InvitedUntil,
            r.JustificationGiven);
    }
}

/// <summary>A page of a log search, newest first; <see cref="Next"/> is the cursor for older records, null on the last page.</summary>
public sealed record LogRecordPage(IReadOnlyList<LogRecordRow> Records, string? Next);

/// <summary>A person, for a search through the keyed blind index: the name and date of birth as the report gave them.</summary>
public sealed record PersonSearchRequest(string? FullName, DateOnly? DateOfBirth);

/// <summary>The files of the person searched for (pseudonyms, newest first): search the log by these.</summary>
public sealed record PersonCases(IReadOnlyList<string> Cases);
