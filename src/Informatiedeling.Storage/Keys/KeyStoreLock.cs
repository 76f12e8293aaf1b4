using Npgsql;

namespace Informatiedeling.Storage.Keys;

/// <summary>
/// A lock every hub instance on the same key store respects, for the moments they must agree: minting the first
/// key-encryption key and the hub secrets. PostgreSQL: a session advisory lock. SQLite: a lock file beside it.
/// </summary>
internal sealed class KeyStoreLock(StorageSettings settings)
{
    private const long AdvisoryKey = 0x696e666f_64656c31; // "infodel1"

    public async Task<IAsyncDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        if (settings.Provider == StorageProvider.Sqlite)
        {
            var gate = FileGate.Acquire(Path.Combine(settings.DataDirectory, "keys.lock"));
            return new Releaser(() => { gate.Dispose(); return ValueTask.CompletedTask; });
        }

        var connection = new NpgsqlConnection(settings.KeyStoreConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            command.Parameters.AddWithValue("key", AdvisoryKey);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        // Closing the session releases the advisory lock.
        return new Releaser(() => connection.DisposeAsync());
    }

    private sealed class Releaser(Func<ValueTask> release) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => release();
    }
}
