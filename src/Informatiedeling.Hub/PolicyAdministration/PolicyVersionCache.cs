using System.Collections.Concurrent;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Policy.Loading;
using Informatiedeling.Storage.Policy;

namespace Informatiedeling.Hub.PolicyAdministration;

/// <summary>
/// The engines of stored policy versions by content hash, compiled once: what a proposal's diff is taken against and
/// what a replay re-decides each record under. A version that does not load (or loads to another hash) has no engine.
/// </summary>
internal sealed class PolicyVersionCache(PolicyVersionStore versions, PolicyHolder holder)
{
    private const int Capacity = 32;
    private readonly ConcurrentDictionary<string, PolicyEngine?> _engines = new(StringComparer.Ordinal);

    public async Task<PolicyEngine?> EngineAsync(string contentHash, CancellationToken cancellationToken)
    {
        if (holder.IsLoaded && holder.Current.Set.ContentHash == contentHash)
        {
            return holder.Current;
        }

        if (_engines.TryGetValue(contentHash, out var cached))
        {
            return cached;
        }

        var version = await versions.VersionAsync(contentHash, cancellationToken);
        var set = version is null ? null : PolicyBundle.Load(version.Bundle).Set;
        var engine = set is not null && set.ContentHash == contentHash ? PolicyEngine.Compile(set) : null;
        if (_engines.Count >= Capacity)
        {
            _engines.Clear();
        }

        _engines[contentHash] = engine;
        return engine;
    }

    public async Task<PolicySet> SetAsync(string contentHash, CancellationToken cancellationToken) =>
        (await EngineAsync(contentHash, cancellationToken))?.Set
            ?? throw new InvalidOperationException($"The stored policy version {contentHash[..Math.Min(12, contentHash.Length)]} does not load.");
}
