using Informatiedeling.Storage.AccessLog;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Informatiedeling.Hub.Health;

/// <summary>
/// Ready only while the access log commits: without it every case request is refused (503), so a load balancer must
/// take the instance out. While commits fail, each check tries one, so the instance comes back by itself.
/// </summary>
internal sealed class AccessLogReadyCheck(AccessLogWriter writer) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var before = writer.Health;
        if (await writer.ProbeAsync(cancellationToken))
        {
            return HealthCheckResult.Healthy(before.Condition == AccessLogCondition.Failing
                ? $"access log commits again (failed from {before.Since:O}, {before.Error})"
                : "access log commits");
        }

        var health = writer.Health;
        var data = new Dictionary<string, object> { ["condition"] = health.Condition.ToString(), ["error"] = health.Error ?? "" };
        return health.Condition == AccessLogCondition.Stopped
            ? HealthCheckResult.Unhealthy(
                $"the access-log writer stopped on an unexpected {health.Error}; every request is refused until the instance is restarted", data: data)
            : HealthCheckResult.Unhealthy(
                $"the access log cannot commit since {health.Since:O} ({health.Error}); requests are refused with 503", data: data);
    }
}
