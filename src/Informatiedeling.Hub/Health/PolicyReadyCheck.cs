using Informatiedeling.Policy;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Informatiedeling.Hub.Health;

/// <summary>Ready only with a policy set in force: without one every request would be denied.</summary>
internal sealed class PolicyReadyCheck(PolicyHolder holder) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(holder.IsLoaded
            ? HealthCheckResult.Healthy($"policy set {holder.Current.Set.ContentHash[..12]}")
            : HealthCheckResult.Unhealthy("no policy set in force"));
}
