using Informatiedeling.Hub.Policy;
using Informatiedeling.Policy;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Informatiedeling.Hub.Health;

/// <summary>
/// Ready only with a policy set in force: without one every request would be denied. Degraded (still serving, on the
/// set in force) when the version activated in the database could not be loaded here, with each problem.
/// </summary>
internal sealed class PolicyReadyCheck(PolicyHolder holder, PolicyRefusal refusal) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!holder.IsLoaded)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("no policy set in force"));
        }

        var inForce = holder.Current.Set.ContentHash[..12];
        if (refusal.Last is not { } refused)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"policy set {inForce}"));
        }

        return Task.FromResult(HealthCheckResult.Degraded(
            $"policy set {inForce} stays in force: the version activated in the database was refused here at {refused.At:O} ({refused.Problems.Count} problem(s)); " +
            "check that every instance has the same convenant",
            data: new Dictionary<string, object> { ["inForce"] = holder.Current.Set.ContentHash, ["refused"] = refused.Problems }));
    }
}
