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

    /// <summary>
    /// Resolves the configured provider and connection string. With nothing configured the hub uses a SQLite
    /// file in <paramref name="dataDirectory"/>, which is created when missing.
    /// </summary>
    /// <exception cref="StorageConfigurationException">The configuration cannot work; the message says how to fix it.</exception>
    public static StorageSettings Resolve(string? provider, string? connectionString, string dataDirectory)
    {
        var kind = ParseProvider(provider);
        if (kind == StorageProvider.PostgreSql)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new StorageConfigurationException(
                    "Storage:Provider is 'postgresql' but ConnectionStrings:Hub is empty. " +
                    "Set ConnectionStrings__Hub to e.g. 'Host=127.0.0.1;Port=5432;Database=informatiedeling;Username=hub'.");
            }

            EnsureParsable(connectionString);
            return new StorageSettings(kind, connectionString);
        }

        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            EnsureParsable(connectionString);
            return new StorageSettings(kind, connectionString);
        }

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

        var file = Path.Combine(Path.GetFullPath(dataDirectory), DefaultDatabaseFileName);
        return new StorageSettings(kind, $"Data Source={file}");
    }

    /// <summary>Where the database is, without any secret, for messages and logs.</summary>
    public string Describe()
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = ConnectionString };
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

    private static void EnsureParsable(string connectionString)
    {
        try
        {
            _ = new DbConnectionStringBuilder { ConnectionString = connectionString };
        }
        catch (ArgumentException)
        {
            // The connection string may hold a password: never echo it.
            throw new StorageConfigurationException(
                "ConnectionStrings:Hub is not a valid connection string (expected 'Key=Value;Key=Value'). Check its syntax.");
        }
    }
}

/// <summary>The storage configuration cannot work. The message is one line that says what to change.</summary>
public sealed class StorageConfigurationException(string message) : Exception(message);
