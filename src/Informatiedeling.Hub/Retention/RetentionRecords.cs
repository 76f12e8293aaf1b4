using System.Diagnostics;
using System.Security.Claims;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;

namespace Informatiedeling.Hub.Retention;

/// <summary>The access-log records of legal holds, the privacy officer's reads and the purge-notice feed. Identifiers only, never a reason.</summary>
internal static class RetentionRecords
{
    public const string PrivacyOfficerRole = "privacy-officer";

    public static AccessRecord For(
        ClaimsPrincipal user, AccessEventKind kind, string operation, AccessDecision decision, DateTimeOffset at, PolicyEngine engine,
        CasePseudonym? pseudonym = null, Explanation? rule = null, string? role = null, string? subject = null) => new()
    {
        Id = Guid.NewGuid(),
        Kind = kind,
        OccurredAt = at,
        TraceId = Activity.Current?.TraceId,
        SpanId = Activity.Current?.SpanId,
        ActorUser = user.UserOf(),
        ActorPartner = PartnerId.TryParse(user.PartnerOf(), out var partner) ? partner : null,
        Role = role,
        Case = pseudonym,
        Operation = operation,
        Decision = decision,
        Rule = rule?.RuleId,
        Article = rule?.Article,
        PolicySetHash = engine.Set.ContentHash,
        Subject = subject,
    };
}
