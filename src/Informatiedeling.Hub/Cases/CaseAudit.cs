using System.Diagnostics;
using System.Security.Claims;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Storage.AccessLog;

namespace Informatiedeling.Hub.Cases;

/// <summary>What one lifecycle request did, for the access log: identifiers only, never a field value.</summary>
internal sealed record CaseEvent(
    string Operation,
    CasePseudonym? Case,
    AccessDecision Decision,
    Explanation? Rule,
    Role? Role = null,
    string? Purpose = null,
    string? Subject = null,
    IReadOnlyList<string>? Categories = null);

/// <summary>
/// Records lifecycle requests in the access log. A change is recorded before it is made; if the log cannot take
/// the record the append throws and the change is not made (fail closed, 503).
/// </summary>
internal sealed class CaseAudit(IAccessLog accessLog, TimeProvider time)
{
    public Task RecordAsync(ClaimsPrincipal user, PolicyEngine engine, CaseEvent e, CancellationToken cancellationToken) =>
        accessLog.AppendAsync(
            new AccessRecord
            {
                Id = Guid.NewGuid(),
                Kind = AccessEventKind.AccessDecision,
                OccurredAt = time.GetUtcNow(),
                TraceId = Activity.Current?.TraceId,
                SpanId = Activity.Current?.SpanId,
                ActorUser = user.UserOf(),
                ActorPartner = PartnerId.TryParse(user.PartnerOf(), out var p) ? p : null,
                Role = e.Role?.Name(),
                Case = e.Case,
                Purpose = e.Purpose is not null && engine.Vocabulary.Purposes.TryGetIndex(e.Purpose, out _) && PurposeId.TryParse(e.Purpose, out var purpose) ? purpose : null,
                LegalGround = e.Purpose is not null && engine.Vocabulary.Purposes.TryGetIndex(e.Purpose, out var pi) ? engine.Vocabulary.PurposeDefinitions[pi].LegalGround : null,
                Operation = e.Operation,
                Subject = e.Subject,
                Decision = e.Decision,
                Rule = e.Rule?.RuleId,
                Article = e.Rule?.Article,
                PolicySetHash = engine.Set.ContentHash,
                // Only names the convenant knows: whatever else a caller typed stays out of the log.
                CategoriesRequested = [.. (e.Categories ?? []).Where(c => engine.Vocabulary.Categories.TryGetIndex(c, out _))],
            },
            cancellationToken);
}
