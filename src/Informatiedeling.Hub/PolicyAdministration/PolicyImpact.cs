using Informatiedeling.Hub.Policy;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Policy.Replay;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Policy;
using Microsoft.Extensions.Options;

namespace Informatiedeling.Hub.PolicyAdministration;

/// <summary>
/// The impact of a proposal: every decision recorded in the last <see cref="PolicyOptions.ReplayDays"/> days, read from
/// the log as it was written, decided again under the version it names (which must reproduce it) and under the proposal.
/// </summary>
internal sealed class PolicyImpact(AccessLogStore log, PolicyVersionStore versions, PolicyVersionCache cache, IOptions<PolicyOptions> options)
{
    public async Task<ImpactReport> ReplayAsync(PolicySet proposed, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var from = now - TimeSpan.FromDays(options.Value.ReplayDays);

        // Every stored version compiled up front (they are few): the replay asks for an engine per record's hash.
        var engines = new Dictionary<string, PolicyEngine?>(StringComparer.Ordinal);
        foreach (var version in await versions.VersionsAsync(cancellationToken))
        {
            engines[version.ContentHash] = await cache.EngineAsync(version.ContentHash, cancellationToken);
        }

        return await DecisionReplay.RunAsync(
            log.StreamDecisionsAsync(from, now, cancellationToken), hash => engines.GetValueOrDefault(hash), PolicyEngine.Compile(proposed), from, now, cancellationToken);
    }
}
