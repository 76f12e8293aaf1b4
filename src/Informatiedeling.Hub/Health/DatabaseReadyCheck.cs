using System.Data.Common;
using Informatiedeling.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Informatiedeling.Hub.Health;

/// <summary>Ready when the database answers and its schema has every migration this build knows.</summary>
internal sealed class DatabaseReadyCheck(HubDbContext db, StorageSettings settings) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (!await db.Database.CanConnectAsync(cancellationToken))
            {
                return HealthCheckResult.Unhealthy($"{settings.Provider} is unreachable");
            }

            var pending = await DatabaseMigrator.PendingAsync(db, cancellationToken);
            return pending.Count == 0
                ? HealthCheckResult.Healthy($"{settings.Provider} schema current")
                : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) not applied");
        }
        catch (DbException e)
        {
            return HealthCheckResult.Unhealthy($"{settings.Provider} error: {e.GetType().Name}");
        }
    }
}
