using Informatiedeling.AccessLog.Records;

namespace Informatiedeling.Storage.AccessLog;

/// <summary>The names the query columns hold, stable across renames of the enum members; also the names the hub answers with.</summary>
public static class AccessLogNames
{
    public static string Kind(AccessEventKind kind) => kind switch
    {
        AccessEventKind.AccessDecision => "access-decision",
        AccessEventKind.PolicyPublished => "policy-published",
        AccessEventKind.RoleAssigned => "role-assigned",
        AccessEventKind.InvitationGiven => "invitation-given",
        AccessEventKind.KeyRotated => "key-rotated",
        AccessEventKind.KeyDestroyed => "key-destroyed",
        AccessEventKind.Purge => "purge",
        AccessEventKind.LegalHold => "legal-hold",
        AccessEventKind.LogRead => "log-read",
        AccessEventKind.LogResumed => "log-resumed",
        AccessEventKind.PolicyChange => "policy-change",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown event kind."),
    };

    public static string Decision(AccessDecision decision) => decision switch
    {
        AccessDecision.Permit => "permit",
        AccessDecision.Partial => "partial",
        AccessDecision.Deny => "deny",
        AccessDecision.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(decision), decision, "An access decision is permit, partial, deny or error."),
    };
}
