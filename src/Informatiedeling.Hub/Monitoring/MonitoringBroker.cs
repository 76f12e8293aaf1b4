using System.Security.Claims;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Hub.Cases;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Storage.Cases;

namespace Informatiedeling.Hub.Monitoring;

/// <summary>
/// The monitoring figures (art. 3.8): only under a purpose with aggregate scope that the engine allows the caller
/// (the core partners), recorded in the access log before they leave. Counted from the case table's status and step,
/// the anonymous evaluation records of closed cases and, for open cases, the evaluation enums decrypted in the hub
/// and counted at once; no value is kept.
/// </summary>
internal sealed class MonitoringBroker(PolicyHolder policy, CaseLifecycle lifecycle, ClientFileStore files, CaseAudit audit, TimeProvider time)
{
    public const string Operation = "monitoring.read";

    public async Task<IResult> FiguresAsync(ClaimsPrincipal user, string? purpose, CancellationToken cancellationToken)
    {
        var engine = policy.Current;
        var now = time.GetUtcNow();
        if (string.IsNullOrWhiteSpace(purpose))
        {
            await audit.RecordAsync(user, engine, new CaseEvent(Operation, null, AccessDecision.Error, null), cancellationToken);
            return Problems.BadRequest("A purpose is required", ["monitoring figures are given under a declared purpose (convenant art. 3.1): add ?purpose=monitoring"]);
        }

        // Figures are about no case: no role, no step; decided as for the closed and open cases alike.
        var decision = DecisionInput.Decide(engine, user.PartnerOf() ?? "", null, null, "closed", purpose, [], now, null, null);
        if (decision.UnknownKind != IdentifierKind.None)
        {
            await audit.RecordAsync(user, engine, new CaseEvent(Operation, null, AccessDecision.Deny, decision.Rule), cancellationToken);
            return Problems.Forbidden("Request refused", decision.Describe(decision.Rule), decision.Rule);
        }

        if (decision.Scope != ReleaseScope.Aggregate)
        {
            var rule = PurposeRule(engine, purpose) ?? decision.Rule;
            await audit.RecordAsync(user, engine, new CaseEvent(Operation, null, AccessDecision.Deny, rule, Purpose: purpose), cancellationToken);
            return Problems.Forbidden("Not a purpose for aggregated figures", $"purpose '{purpose}' is for {decision.Scope.Name()} only, never for aggregated figures", rule);
        }

        if (!decision.ScopeReleased)
        {
            await audit.RecordAsync(user, engine, new CaseEvent(Operation, null, AccessDecision.Deny, decision.Rule, Purpose: purpose), cancellationToken);
            return Problems.Forbidden("Not allowed to receive monitoring figures", decision.Describe(decision.Rule), decision.Rule);
        }

        // Recorded before the figures leave the hub.
        await audit.RecordAsync(user, engine, new CaseEvent(Operation, null, AccessDecision.Permit, decision.Rule, Purpose: purpose), cancellationToken);
        var counts = await lifecycle.CountAsync(cancellationToken);
        var open = await files.CountEvaluationValuesOfOpenCasesAsync(cancellationToken);
        var set = engine.Set;
        return TypedResults.Ok(new MonitoringFigures(
            now,
            new CaseTotals(SmallCounts.One(counts.Open), SmallCounts.One(counts.Closed)),
            Dimension(set, EvaluationFields.ExploitationType, open, counts.ClosedByExploitationType),
            SmallCounts.Dimension(engine.Vocabulary.Steps.Names, counts.OpenByStep),
            Dimension(set, EvaluationFields.Outcome, open, counts.ClosedByOutcome),
            SmallCounts.Dimension(engine.Vocabulary.ClosureReasons, counts.ClosedByReason)));
    }

    /// <summary>Open cases' values and closed cases' evaluation records together, over every value the catalogue lists.</summary>
    private static IReadOnlyDictionary<string, string> Dimension(
        PolicySet set, string fieldId, IReadOnlyDictionary<string, Dictionary<string, int>> open, IReadOnlyDictionary<string, int> closed)
    {
        if (EvaluationFields.Find(set, fieldId) is not { } field)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        var openCounts = open.GetValueOrDefault(fieldId) ?? [];
        var total = field.Values.ToDictionary(v => v, v => openCounts.GetValueOrDefault(v) + closed.GetValueOrDefault(v), StringComparer.Ordinal);
        return SmallCounts.Dimension(field.Values, total);
    }

    private static Explanation? PurposeRule(PolicyEngine engine, string purpose) =>
        engine.Vocabulary.Purposes.TryGetIndex(purpose, out var index) && engine.Set.Rules.Purposes.FirstOrDefault(r => r.Purpose == index) is { } rule
            ? new Explanation(rule.Rule.Id, rule.Rule.Article, DecisionReason.PurposeNotForPartner, $"purpose '{purpose}' does not give aggregated figures")
            : null;
}
