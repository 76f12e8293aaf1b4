using Informatiedeling.Storage.Keys;
using Npgsql;

namespace Informatiedeling.Storage;

/// <summary>
/// A lock that every hub instance on the same database respects, for the moments they must agree (applying a
/// migration, minting the first key): a session advisory lock on PostgreSQL (released with the session), an
/// exclusive lock file on SQLite, whose instances share a folder.
/// </summary>
internal sealed class DatabaseLock : IAsyncDisposable
{
    private readonly FileGate? _file;
    private readonly NpgsqlConnection? _session;

    private DatabaseLock(FileGate? file, NpgsqlConnection? session)
    {
        _file = file;
        _session = session;
    }

    public static async Task<DatabaseLock> AcquireAsync(
        StorageProvider provider, string connectionString, long advisoryKey, string lockFile, CancellationToken cancellationToken)
    {
        if (provider == StorageProvider.Sqlite)
        {
            return new DatabaseLock(FileGate.Acquire(lockFile), null);
        }

        // Its own physical connection, never pooled: a session lock on a pooled connection would outlive the
        // "release" and stay held by an idle connection in the pool.
        var session = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        try
        {
            await session.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", session) { CommandTimeout = 300 };
            command.Parameters.AddWithValue("key", advisoryKey);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new DatabaseLock(null, session);
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _file?.Dispose();
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }
    }
}
