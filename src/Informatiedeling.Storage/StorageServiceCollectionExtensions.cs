using Informatiedeling.Protection;
using Informatiedeling.Storage.Cases;
using Informatiedeling.Storage.Keys;
using Informatiedeling.Storage.Retention;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Informatiedeling.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the hub's database on the engine <paramref name="settings"/> chose.</summary>
    public static IServiceCollection AddHubStorage(this IServiceCollection services, StorageSettings settings, KeyProtectionSettings? keyProtection = null)
    {
        services.AddHubDatabases(settings);

        // The key-encryption key: Data Protection's key ring in the key store, encrypted at rest with a certificate
        // that is kept outside every database. Keys are minted only under the key-store lock (KeyRingInitializer).
        var certificate = (keyProtection ?? KeyProtectionSettings.Default(settings.DataDirectory)).Open();
        services.AddSingleton<KeyStoreXmlRepository>();
        services.AddDataProtection()
            .SetApplicationName("Informatiedeling")
            .DisableAutomaticKeyGeneration()
            .SetDefaultKeyLifetime(DataProtectionKekProvider.KekLifetime)
            .ProtectKeysWithCertificate(certificate)
            .UnprotectKeysWithAnyCertificate(certificate);
        services.AddOptions<KeyManagementOptions>().Configure<KeyStoreXmlRepository>((o, repository) => o.XmlRepository = repository);
        services.AddSingleton<IKeyEncryptionKeyProvider, DataProtectionKekProvider>();
        services.AddSingleton<KeyStoreLock>();
        services.AddSingleton<KeyRingInitializer>();
        services.AddSingleton<KeyStoreState>();
        services.TryAddSingleton(KeyCacheSettings.Default);
        services.AddSingleton<CaseKeyRing>();
        services.AddSingleton<KekRotation>();
        services.TryAddSingleton<Informatiedeling.Policy.PolicyHolder>();
        services.AddSingleton<ClientFileStore>();
        services.AddSingleton<CaseDirectory>();
        services.AddSingleton<CaseLifecycle>();
        services.AddSingleton<LegalHoldQueries>();
        services.AddSingleton<RetentionPurge>();
        services.AddSingleton<Sessions.EndedSessionStore>();
        services.AddSingleton<AccessLog.AccessLogVerificationStore>();
        services.AddSingleton<Policy.PolicyVersionStore>();
        return services;
    }

    /// <summary>
    /// Only the two databases and their migrator, without the key ring: for tools that read the case database (the
    /// access log) and must neither need nor make the key-ring certificate.
    /// </summary>
    public static IServiceCollection AddHubDatabases(this IServiceCollection services, StorageSettings settings)
    {
        services.AddSingleton(settings);
        services.AddPooledDbContextFactory<HubDbContext>(options => Configure(options, settings, settings.ConnectionString));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContext());
        services.AddPooledDbContextFactory<KeyStoreDbContext>(options => Configure(options, settings, settings.KeyStoreConnectionString));
        services.AddSingleton<DatabaseMigrator>();
        services.AddSingleton<DatabaseClock>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>Opens the key store: makes sure a key-encryption key and the hub secrets exist, and loads the secrets.</summary>
    public static async Task OpenKeyStoreAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        var blindIndex = await services.GetRequiredService<KeyRingInitializer>().EnsureAsync(cancellationToken);
        services.GetRequiredService<KeyStoreState>().Set(blindIndex);
    }

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, StorageSettings settings, string connectionString)
    {
        _ = settings.Provider switch
        {
            StorageProvider.Sqlite => options.UseSqlite(connectionString),
            StorageProvider.PostgreSql => options.UseNpgsql(PostgresConnections.WithHubDefaults(connectionString)),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Provider, "Unknown storage provider."),
        };

        // The migrations are written by hand and have no design-time model snapshot to compare with;
        // the integration tests prove on both engines that the migrated schema serves the model.
        return options.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }
}
