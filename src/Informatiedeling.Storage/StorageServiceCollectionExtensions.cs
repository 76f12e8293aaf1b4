using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the hub's database on the engine <paramref name="settings"/> chose.</summary>
    public static IServiceCollection AddHubStorage(this IServiceCollection services, StorageSettings settings)
    {
        services.AddSingleton(settings);
        services.AddDbContextPool<HubDbContext>(options => Configure(options, settings));
        services.AddSingleton<DatabaseMigrator>();
        return services;
    }

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, StorageSettings settings)
    {
        _ = settings.Provider switch
        {
            StorageProvider.Sqlite => options.UseSqlite(settings.ConnectionString),
            StorageProvider.PostgreSql => options.UseNpgsql(settings.ConnectionString),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Provider, "Unknown storage provider."),
        };

        // The migrations are written by hand and have no design-time model snapshot to compare with;
        // the integration tests prove on both engines that the migrated schema serves the model.
        return options.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }
}
