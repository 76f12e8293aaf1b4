using System.Data.Common;

namespace Informatiedeling.Storage;

/// <summary>The database engines the hub can run on.</summary>
public enum StorageProvider
{
    /// <summary>Embedded default: a single SQLite file in the data folder.</summary>
    Sqlite,

    /// <summary>Production: PostgreSQL, shared by every hub instance.</summary>
    PostgreSql,
}

/// <summary>A validated choice of database engine and connection.</summary>
public sealed record StorageSettings(StorageProvider Provider, string ConnectionString)
{
    public const string DefaultDatabaseFileName = "informatiedeling.db";
    public const string DefaultKeyStoreFileName = "keys.db";

    /// <summary>
    /// The key store: a database apart from the case database, holding the wrapped data-encryption keys, the
    /// Data Protection key ring and destruction records. Kept apart so that a dump or backup of the case database
    /// holds no key at all, and destroying a case's keys here makes every copy of that database unreadable for it.
    /// </summary>
    public required string KeyStoreConnectionString { get; init; }

    /// <summary>The folder for local files: the embedded databases and, by default, the key-ring certificate.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>
    /// Resolves the configured provider and connection string. With nothing configured the hub uses a SQLite
    /// file in <paramref name="dataDirectory"/>, which is created when missing.
    /// </summary>
    /// <exception cref="StorageConfigurationException">The configuration cannot work; the message says how to fix it.</exception>
    public static StorageSettings Resolve(string? provider, string? connectionString, string dataDirectory, string? keyStoreConnectionString = null)
    {
        var kind = ParseProvider(provider);
        if (kind == StorageProvider.PostgreSql && string.IsNullOrWhiteSpace(connectionString))
        {
            throw new StorageConfigurationException(
                "Storage:Provider is 'postgresql' but ConnectionStrings:Hub is empty. " +
                "Set ConnectionStrings__Hub to e.g. 'Host=127.0.0.1;Port=5432;Database=informatiedeling;Username=hub'.");
        }

        dataDirectory = Path.GetFullPath(dataDirectory);
        try
        {
            Directory.CreateDirectory(dataDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageConfigurationException(
                $"The data folder '{dataDirectory}' cannot be created ({e.GetType().Name}). " +
                "Set Storage:DataDirectory to a folder the hub may write to.");
        }

        var hub = !string.IsNullOrWhiteSpace(connectionString) ? connectionString
            : $"Data Source={Path.Combine(dataDirectory, DefaultDatabaseFileName)}";
        EnsureParsable(hub, "ConnectionStrings:Hub");
        var keys = !string.IsNullOrWhiteSpace(keyStoreConnectionString) ? keyStoreConnectionString
            : kind == StorageProvider.PostgreSql ? KeyStoreBeside(hub)
            : $"Data Source={Path.Combine(dataDirectory, DefaultKeyStoreFileName)}";
        EnsureParsable(keys, "ConnectionStrings:Keys");
        if (string.Equals(keys, hub, StringComparison.Ordinal))
        {
            throw new StorageConfigurationException(
                "ConnectionStrings:Keys points at the case database. The key store must be a database of its own, " +
                "or a backup of the case database would hold its keys.");
        }

        return new StorageSettings(kind, hub) { KeyStoreConnectionString = keys, DataDirectory = dataDirectory };
    }

    /// <summary>By default the key store is a database of its own on the same server: <c>&lt;database&gt;_keys</c>.</summary>
    private static string KeyStoreBeside(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var database = builder.TryGetValue("Database", out var name) ? name?.ToString() : null;
        builder["Database"] = $"{(string.IsNullOrEmpty(database) ? "informatiedeling" : database)}_keys";
        return builder.ConnectionString;
    }

    /// <summary>Where the database is, without any secret, for messages and logs.</summary>
    public string Describe() => Describe(ConnectionString);

    /// <summary>Where a database of this engine is, without any secret.</summary>
    public string Describe(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (Provider == StorageProvider.Sqlite)
        {
            return builder.TryGetValue("Data Source", out var source) ? $"SQLite file '{source}'" : "SQLite";
        }

        builder.TryGetValue("Host", out var host);
        builder.TryGetValue("Port", out var port);
        builder.TryGetValue("Database", out var database);
        return $"PostgreSQL at {host ?? "localhost"}:{port ?? "5432"}, database '{database ?? "(default)"}'";
    }

    private static StorageProvider ParseProvider(string? provider) => provider?.Trim().ToUpperInvariant() switch
    {
        null or "" or "SQLITE" => StorageProvider.Sqlite,
        "POSTGRESQL" or "POSTGRES" or "NPGSQL" => StorageProvider.PostgreSql,
        _ => throw new StorageConfigurationException(
            $"Storage:Provider '{provider}' is unknown. Use 'sqlite' (embedded default) or 'postgresql'."),
    };

    private static void EnsureParsable(string connectionString, string name)
    {
        try
        {
            _ = new DbConnectionStringBuilder { ConnectionString = connectionString };
        }
        catch (ArgumentException)
        {
            // The connection string may hold a password: never echo it.
            throw new StorageConfigurationException(
                $"{name} is not a valid connection string (expected 'Key=Value;Key=Value'). Check its syntax.");
        }
    }
}

/// <summary>The storage configuration cannot work. The message is one line that says what to change.</summary>
public sealed class StorageConfigurationException(string message) : Exception(message);
