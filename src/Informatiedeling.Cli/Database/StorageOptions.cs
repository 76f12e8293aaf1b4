using System.CommandLine;
using System.Data.Common;
using Informatiedeling.Storage;
using Informatiedeling.Storage.Keys;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Informatiedeling.Cli.Database;

/// <summary>What a command needs of the hub's storage, and whether it may create what is missing.</summary>
/// <param name="MayCreate">
/// Only <c>db migrate</c>: it exists to create the data folder, the databases and (unless one is configured) the
/// key-ring certificate. Every other command works on what the hub made and creates none of it.
/// </param>
/// <param name="KeyRing">Opens the key store with the key-ring certificate (keys, retention); the access log needs neither.</param>
internal sealed record StorageNeeds(bool MayCreate, bool KeyRing)
{
    public static readonly StorageNeeds Create = new(MayCreate: true, KeyRing: true);
    public static readonly StorageNeeds ExistingKeyStore = new(MayCreate: false, KeyRing: true);
    public static readonly StorageNeeds ExistingDatabase = new(MayCreate: false, KeyRing: false);
}

/// <summary>The options every command that opens the hub's storage takes, with the hub's environment variables as defaults.</summary>
internal sealed class StorageOptions(StorageNeeds needs)
{
    private readonly Option<string?> _provider = new("--provider") { Description = "sqlite or postgresql (default: Storage__Provider, else sqlite)." };
    private readonly Option<string?> _connection = new("--connection") { Description = "Case database (default: ConnectionStrings__Hub)." };
    private readonly Option<string?> _keys = new("--keys") { Description = "Key store database (default: ConnectionStrings__Keys, else beside the case database)." };
    private readonly Option<string?> _data = new("--data")
    {
        Description = "The hub's data folder (default: Storage__DataDirectory, else ./data or, from the checkout root, src/Informatiedeling.Hub/data).",
    };

    private readonly Option<string?> _certificate = new("--certificate") { Description = "Key-ring certificate (default: Keys__CertificatePath, else in the data folder)." };

    public void AddTo(Command command)
    {
        foreach (var option in new[] { _provider, _connection, _keys, _data, _certificate })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> with the hub's storage services; configuration and database problems become
    /// one line on <paramref name="error"/> and exit status 2 (configuration) or 1 (database).
    /// </summary>
    public async Task<int> RunAsync(
        ParseResult parse, TextWriter error, Func<IServiceProvider, Task<int>> action, Action<IServiceCollection, StorageSettings>? extra = null)
    {
        var (services, problem) = Build(parse, extra);
        if (services is null)
        {
            await error.WriteLineAsync($"infodeel: {problem}");
            return 2;
        }

        await using (services)
        {
            try
            {
                if (!needs.MayCreate && await SchemaProblemAsync(services, CancellationToken.None) is { } schema)
                {
                    await error.WriteLineAsync($"infodeel: {schema}");
                    return 1;
                }

                return await action(services);
            }
            catch (StorageUnavailableException e)
            {
                await error.WriteLineAsync($"infodeel: {e.Message}");
                return 1;
            }
        }
    }

    /// <summary>The hub's storage services, or a one-line reason they cannot be built. Creates nothing unless the command may.</summary>
    public (ServiceProvider? Services, string? Error) Build(ParseResult parse, Action<IServiceCollection, StorageSettings>? extra = null)
    {
        var (folder, missing) = DataFolder.Find(
            parse.GetValue(_data) ?? Setting("Storage__DataDirectory"), needs.MayCreate, Directory.GetCurrentDirectory());
        if (folder is null)
        {
            return (null, missing);
        }

        StorageSettings settings;
        try
        {
            settings = StorageSettings.Resolve(
                parse.GetValue(_provider) ?? Setting("Storage__Provider"),
                parse.GetValue(_connection) ?? Setting("ConnectionStrings__Hub"),
                folder,
                parse.GetValue(_keys) ?? Setting("ConnectionStrings__Keys"));
        }
        catch (StorageConfigurationException e)
        {
            return (null, e.Message);
        }

        var certificate = parse.GetValue(_certificate) ?? Setting("Keys__CertificatePath");
        var protection = certificate is null
            ? KeyProtectionSettings.Default(settings.DataDirectory)
            : new KeyProtectionSettings(certificate, Setting("Keys__CertificatePassword"));
        if (!needs.MayCreate && Absent(settings, protection) is { } absent)
        {
            return (null, absent);
        }

        var collection = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        try
        {
            // A certificate named explicitly is the hub's; the tool never makes one in its place.
            _ = needs.KeyRing ? collection.AddHubStorage(settings, protection) : collection.AddHubDatabases(settings);
            extra?.Invoke(collection, settings);
        }
        catch (StorageConfigurationException e)
        {
            return (null, e.Message);
        }
        catch (FileNotFoundException e)
        {
            return (null, $"{e.Message} Pass the hub's certificate with --certificate (or Keys__CertificatePath).");
        }

        return (collection.BuildServiceProvider(), null);
    }

    /// <summary>
    /// A command that may not create the schema checks it instead: the databases the hub made, at this version's
    /// schema. Migrating here would create a PostgreSQL key store or upgrade a schema as a side effect of a read.
    /// </summary>
    /// <returns>Null when the schema is current; else a one-line reason.</returns>
    public async Task<string?> SchemaProblemAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var settings = services.GetRequiredService<StorageSettings>();
        return await SchemaProblemAsync(services.GetRequiredService<IDbContextFactory<HubDbContext>>(), settings, settings.ConnectionString, cancellationToken)
            ?? (needs.KeyRing
                ? await SchemaProblemAsync(services.GetRequiredService<IDbContextFactory<KeyStoreDbContext>>(), settings, settings.KeyStoreConnectionString, cancellationToken)
                : null);
    }

    private static async Task<string?> SchemaProblemAsync<TContext>(
        IDbContextFactory<TContext> factory, StorageSettings settings, string connectionString, CancellationToken cancellationToken)
        where TContext : DbContext
    {
        int pending;
        try
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
        }
        catch (DbException e)
        {
            // Driver messages name host, user and database but never the password.
            return $"the database ({settings.Describe(connectionString)}) cannot be used: {e.Message.TrimEnd('.').ReplaceLineEndings(" ")}.";
        }

        return pending == 0 ? null
            : $"the database ({settings.Describe(connectionString)}) is not at this version's schema ({pending} migration(s) pending). " +
                "Check that it is the hub's, or bring it up to date with 'infodeel db migrate'.";
    }

    /// <summary>What the hub would have made and is not there: an embedded database or the key-ring certificate.</summary>
    private string? Absent(StorageSettings settings, KeyProtectionSettings protection)
    {
        var where = $"Pass --data with the hub's data folder (found '{settings.DataDirectory}')";
        if (settings.Provider == StorageProvider.Sqlite)
        {
            var databases = needs.KeyRing ? new[] { settings.ConnectionString, settings.KeyStoreConnectionString } : [settings.ConnectionString];
            foreach (var file in databases.Select(c => Path.GetFullPath(new SqliteConnectionStringBuilder(c).DataSource)))
            {
                if (!File.Exists(file))
                {
                    return $"the SQLite database '{file}' does not exist. {where} or --connection, or create it with 'infodeel db migrate'.";
                }
            }
        }

        if (needs.KeyRing && !File.Exists(protection.CertificatePath))
        {
            return $"the key-ring certificate '{Path.GetFullPath(protection.CertificatePath)}' does not exist. {where} or --certificate with the hub's (its Keys:CertificatePath).";
        }

        return null;
    }

    /// <summary>An environment variable of the hub's configuration; empty counts as unset.</summary>
    private static string? Setting(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
