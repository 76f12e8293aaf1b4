using System.Security.Claims;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.Cases;
using Informatiedeling.Policy;
using Informatiedeling.Storage.Cases;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Informatiedeling.Hub.Monitoring;

/// <summary>
/// The monitoring figures (art. 3.8): only under a purpose with aggregate scope that the engine allows the caller
/// (the core partners; decided by the <see cref="Gate"/>), recorded in the access log before they leave. Counted from
/// the case table's status and step, the anonymous evaluation records of closed cases and, for open cases, the
/// evaluation enums decrypted in the hub and counted at once; no value is kept.
/// </summary>
internal sealed class MonitoringBroker(Gate gate, CaseLifecycle lifecycle, ClientFileStore files)
{
    public static readonly AccessRoute Figures = new("monitoring.read");

    public async Task<Results<Ok<MonitoringFigures>, BadRequestProblem, ForbiddenProblem>> FiguresAsync(ClaimsPrincipal user, string? purpose, CancellationToken cancellationToken)
    {
        var (access, invalid, refusal) = await gate.EnterFiguresAsync(user, Figures, purpose, cancellationToken);
        if (access is null)
        {
            return invalid is not null ? invalid : refusal!;
        }

        // Recorded before the figures leave the hub.
        await gate.PermitAsync(access, cancellationToken);
        var counts = await lifecycle.CountAsync(cancellationToken);
        var open = await files.CountEvaluationValuesOfOpenCasesAsync(cancellationToken);
        var set = access.Engine.Set;
        return TypedResults.Ok(new MonitoringFigures(
            access.Now,
            new CaseTotals(SmallCounts.One(counts.Open), SmallCounts.One(counts.Closed)),
            Dimension(set, EvaluationFields.ExploitationType, open, counts.ClosedByExploitationType),
            SmallCounts.Dimension(access.Engine.Vocabulary.Steps.Names, counts.OpenByStep),
            Dimension(set, EvaluationFields.Outcome, open, counts.ClosedByOutcome),
            SmallCounts.Dimension(access.Engine.Vocabulary.ClosureReasons, counts.ClosedByReason)));
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
}
