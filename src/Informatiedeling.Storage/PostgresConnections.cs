using System.Data.Common;
using Npgsql;

namespace Informatiedeling.Storage;

/// <summary>How the hub connects to PostgreSQL beyond what the operator's connection string says.</summary>
public static class PostgresConnections
{
    /// <summary>Statements each physical connection keeps prepared: the hub's hot statements are a few dozen.</summary>
    public const int MaxAutoPrepare = 64;

    /// <summary>
    /// The hub's defaults on top of the operator's connection string; a setting the operator gives is kept.
    /// <list type="bullet">
    /// <item>Automatic preparation (<c>Max Auto Prepare</c>): PostgreSQL parses and plans a read's queries once per
    /// connection instead of once per request. An operator behind a pooler that cannot keep prepared statements sets 0.</item>
    /// <item>No session reset when a connection goes back to the pool (<c>No Reset On Close</c>). The reset is seven
    /// statements (<c>RESET ALL</c>, <c>CLOSE ALL</c>, <c>UNLISTEN *</c>, <c>pg_advisory_unlock_all()</c>, …) that
    /// PostgreSQL runs before the next query on every connection handed out again: once or twice per request. The hub
    /// leaves no session state to reset: it sets nothing outside a transaction (<c>SET LOCAL</c> only), takes its
    /// advisory locks per transaction (the one session lock, <see cref="DatabaseLock"/>, is on an unpooled connection
    /// of its own), and uses no temporary tables or <c>LISTEN</c>. A transaction left open is still rolled back when
    /// the connection is returned.</item>
    /// </list>
    /// </summary>
    public static string WithHubDefaults(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var tuned = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Sets(given, "Max Auto Prepare"))
        {
            tuned.MaxAutoPrepare = MaxAutoPrepare;
        }

        if (!Sets(given, "No Reset On Close"))
        {
            tuned.NoResetOnClose = true;
        }

        return tuned.ConnectionString;
    }

    // Npgsql accepts a keyword with or without its spaces, in any case.
    private static bool Sets(DbConnectionStringBuilder given, string keyword) =>
        given.ContainsKey(keyword) || given.ContainsKey(keyword.Replace(" ", "", StringComparison.Ordinal));
}
