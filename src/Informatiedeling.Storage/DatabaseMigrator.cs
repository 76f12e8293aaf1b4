using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Informatiedeling.Storage.Keys;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Informatiedeling.Storage;

/// <summary>
/// Applies the versioned migrations, the same on both engines. EF's migrator takes a database-wide lock,
/// so hub instances that start together on one PostgreSQL apply each migration once.
/// </summary>
public sealed class DatabaseMigrator(IServiceScopeFactory scopes, StorageSettings settings, ILogger<DatabaseMigrator> logger)
{
    private const long MigrationLockKey = 0x696e666f_6d696731; // "infomig1"

    /// <summary>Brings the schema up to date and returns the migrations it applied.</summary>
    /// <exception cref="StorageUnavailableException">The database cannot be reached or refused the connection.</exception>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var applied = new List<string>();
            await using (var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync(cancellationToken))
            {
                applied.AddRange(await MigrateAsync(db, cancellationToken));
            }

            try
            {
                await EnsureKeyStoreDatabaseAsync(cancellationToken);
                await using var keys = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<KeyStoreDbContext>>().CreateDbContextAsync(cancellationToken);
                applied.AddRange(await MigrateAsync(keys, cancellationToken));
            }
            catch (Exception e) when (e is NpgsqlException or SqliteException)
            {
                throw new StorageUnavailableException(
                    $"The key store ({settings.Describe(settings.KeyStoreConnectionString)}) cannot be used: {Reason(e)}. " +
                    "Check ConnectionStrings:Keys (by default a database '<name>_keys' beside the case database, which the hub creates when it may).", e);
            }

            StorageLog.SchemaCurrent(logger, settings.Provider.ToString());
            return applied;
        }
        catch (Exception e) when (e is NpgsqlException or SqliteException or SocketException or TimeoutException)
        {
            throw new StorageUnavailableException(
                $"The database ({settings.Describe()}) cannot be used: {Reason(e)}. {Hint(e)}", e);
        }
    }

    /// <summary>
    /// On PostgreSQL the key store is a database of its own; create it when missing. Instances that start
    /// together may race to create it: "already exists" means another one did.
    /// </summary>
    private async Task EnsureKeyStoreDatabaseAsync(CancellationToken cancellationToken)
    {
        if (settings.Provider != StorageProvider.PostgreSql)
        {
            return;
        }

        var keys = new NpgsqlConnectionStringBuilder(settings.KeyStoreConnectionString);
        try
        {
            await using var probe = new NpgsqlConnection(keys.ConnectionString);
            await probe.OpenAsync(cancellationToken);
            return;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            // Missing: create it below, through the case database's server connection.
        }

        await using var connection = new NpgsqlConnection(settings.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{keys.Database!.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another instance created it a moment ago.
        }
    }

    private async Task<IReadOnlyList<string>> MigrateAsync(DbContext db, CancellationToken cancellationToken)
    {
        // Instances that start together must not both apply a migration: hold a database-wide lock meanwhile.
        var connectionString = db.Database.GetConnectionString()!;
        await using var gate = await DatabaseLock.AcquireAsync(
            settings.Provider, connectionString, MigrationLockKey, LockFileFor(connectionString), cancellationToken);
        if (settings.Provider == StorageProvider.Sqlite)
        {
            // Write-ahead logging lets readers go on while one writer commits; it is a property of the file.
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await db.Database.MigrateAsync(cancellationToken);
        foreach (var migration in pending)
        {
            StorageLog.MigrationApplied(logger, migration);
        }

        return pending;
    }

    private string LockFileFor(string connectionString) => settings.Provider == StorageProvider.Sqlite
        ? Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource) + ".migrate.lock"
        : "";

    /// <summary>The schema versions this build knows that the database has not applied yet.</summary>
    public static async Task<IReadOnlyList<string>> PendingAsync(HubDbContext db, CancellationToken cancellationToken) =>
        (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();

    private static string Reason(Exception e)
    {
        // Driver messages name host, user and database but never the password.
        var root = e;
        while (root.InnerException is not null && root is not PostgresException)
        {
            root = root.InnerException;
        }

        return root.Message.TrimEnd('.').ReplaceLineEndings(" ");
    }

    private static string Hint(Exception e) => e switch
    {
        PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } =>
            "Create the database first, or point ConnectionStrings:Hub at an existing one.",
        PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } =>
            "Check the user name and password in ConnectionStrings:Hub.",
        SqliteException => "Check that Storage:DataDirectory (or the Data Source in ConnectionStrings:Hub) is a writable SQLite file.",
        _ => "Check ConnectionStrings:Hub and that the database server is running and reachable.",
    };
}

/// <summary>The database could not be reached or used. The message is one line, without secrets.</summary>
public sealed class StorageUnavailableException(string message, Exception inner) : Exception(message, inner);
