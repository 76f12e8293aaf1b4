using System.Data.Common;
using Npgsql;

namespace Informatiedeling.Storage;

/// <summary>How the hub connects to PostgreSQL beyond what the operator's connection string says.</summary>
public static class PostgresConnections
{
    /// <summary>Statements each physical connection keeps prepared: the hub's hot statements are a few dozen.</summary>
    public const int MaxAutoPrepare = 64;

    /// <summary>
    /// Prepares the statements the hub runs again and again on each connection (Npgsql's automatic preparation),
    /// so that PostgreSQL parses and plans a read's queries once per connection instead of once per request.
    /// An operator who sets <c>Max Auto Prepare</c> (for instance 0 behind a pooler that cannot keep prepared
    /// statements) keeps that setting.
    /// </summary>
    public static string WithPreparedStatements(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.ContainsKey("Max Auto Prepare") || given.ContainsKey("MaxAutoPrepare"))
        {
            return connectionString;
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = MaxAutoPrepare }.ConnectionString;
    }
}
