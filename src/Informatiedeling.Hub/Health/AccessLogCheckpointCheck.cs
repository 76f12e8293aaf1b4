using Informatiedeling.Storage.AccessLog;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Informatiedeling.Hub.Health;

/// <summary>
/// Degraded while the hub refuses to sign checkpoints because the stored log does not extend the last one it signed:
/// the log still records, but its history in the database was rewritten and an operator must look. Names the break.
/// </summary>
internal sealed class AccessLogCheckpointCheck(CheckpointState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var current = state.Current;
        return Task.FromResult(current switch
        {
            { Refusal: { } refusal } => HealthCheckResult.Degraded($"access-log checkpoint refused: {refusal.Message}; run 'infodeel log verify'"),
            { SignedSize: { } size } => HealthCheckResult.Healthy($"access-log checkpoint at size {size}"),
            _ => HealthCheckResult.Healthy("no access-log checkpoint due yet"),
        });
    }
}
