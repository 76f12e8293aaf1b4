using System.Data;
using System.Data.Common;
using Informatiedeling.AccessLog.Records;
using Npgsql;
using NpgsqlTypes;

namespace Informatiedeling.Storage.AccessLog;

/// <summary>
/// The access log on PostgreSQL: every statement of the store that is PostgreSQL's own. A batch is appended under a
/// transaction-level advisory lock that all instances share; it can be begun ahead on a second connection, whose lock
/// request waits in the server while the batch before it commits (<see cref="BeginBatchAsync"/>), and a batch that
/// continues from the head the writer expects is one round trip (<see cref="TryCommitContinuingAsync"/>).
/// </summary>
internal sealed class PostgresAccessLog(string connectionString) : IAccessLogEngine
{
    // "toeglog1": the transaction-level advisory lock under which every batch is appended.
    private const long AppendLockKey = 0x746f6567_6c6f6731;

    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(PostgresConnections.WithHubDefaults(connectionString));

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await _source.OpenConnectionAsync(cancellationToken);

    /// <summary>Repeatable read: one snapshot for every statement of the transaction.</summary>
    public ValueTask<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

    public object Time(DateTimeOffset at) => at.ToUniversalTime();

    public string AnyCase(DbCommand command, string[] cases)
    {
        AccessLogStore.AddParameter(command, "cases", cases);
        return "case_pseudonym = ANY(@cases)";
    }

    public async Task<long> AppendAsync(IReadOnlyList<AccessRecord> records, DateTimeOffset recordedAt, CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        try
        {
            var head = await LockAndReadHeadAsync(connection, cancellationToken);
            await WriteAndCommitAsync(connection, AccessLogStore.PrepareContinuing(head, records, recordedAt));
            return head.Size;
        }
        catch
        {
            await RollBackAsync(connection);
            throw;
        }
    }

    /// <summary>
    /// Opens a transaction, takes the append lock and reads the head; returns only once the lock is held (that is, once
    /// the batch before it, of this instance or another, committed or rolled back).
    /// </summary>
    public async Task<BegunBatch> BeginBatchAsync(CancellationToken cancellationToken)
    {
        var connection = await _source.OpenConnectionAsync(cancellationToken);
        try
        {
            return new BegunBatch(connection, await LockAndReadHeadAsync(connection, cancellationToken));
        }
        catch
        {
            await RollBackAsync(connection);
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Appends <paramref name="rows"/> in <paramref name="batch"/>'s transaction and commits it (<see cref="AccessLogStore.CommitBatchAsync"/>).</summary>
    public static async Task<long> CommitBatchAsync(BegunBatch batch, ContinuingBatch rows)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(rows);
        try
        {
            if (!ReferenceEquals(rows.From, batch.Head))
            {
                throw new ArgumentException("The rows were not encoded from the head the batch holds.", nameof(rows));
            }

            await WriteAndCommitAsync(batch.Connection, rows);
            return batch.Head.Size;
        }
        catch
        {
            // Whatever failed, the transaction ends here, not when the pool next hands the connection out.
            await RollBackAsync(batch.Connection);
            throw;
        }
        finally
        {
            batch.Ended = true;
        }
    }

    /// <summary>
    /// BEGIN, the append lock, the rows with the new head, COMMIT, in one round trip; the rows and the head are written
    /// only if the head is still the one the batch continues from (<see cref="AccessLogStore.TryCommitContinuingAsync"/>).
    /// </summary>
    public async Task<bool> TryCommitContinuingAsync(ContinuingBatch batch)
    {
        await using var connection = await _source.OpenConnectionAsync(CancellationToken.None);
        try
        {
            await using var write = new NpgsqlBatch(connection);
            BeginAndLock(write);

            // A statement after the lock, so its snapshot sees the previous holder's commit (as in LockAndReadHeadAsync).
            // The head moves only if it is still the expected one, and the rows go in only if it moved: one statement,
            // so both or neither.
            var insert = InsertRows(batch.Rows, batch.RecordedAt, """
                WITH moved AS (
                    UPDATE access_log_head SET size = $13, subtree_roots = $14, updated_at = $2
                    WHERE id = 1 AND size = $15 AND subtree_roots = $16
                    RETURNING 1)
                INSERT INTO access_log (seq, recorded_at, leaf, leaf_hash, event_kind, case_pseudonym, partner, purpose, decision, user_id, rule, emergency)
                SELECT s, $2, l, h, k, c, p, u, d, a, r, e FROM unnest($1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) AS t(s, l, h, k, c, p, u, d, a, r, e)
                WHERE EXISTS (SELECT FROM moved)
                """);
            insert.Parameters.Add(new NpgsqlParameter { Value = batch.To.Size });
            insert.Parameters.Add(new NpgsqlParameter { Value = batch.To.SubtreeRoots, NpgsqlDbType = NpgsqlDbType.Bytea });
            insert.Parameters.Add(new NpgsqlParameter { Value = batch.From.Size });
            insert.Parameters.Add(new NpgsqlParameter { Value = batch.From.SubtreeRoots, NpgsqlDbType = NpgsqlDbType.Bytea });
            write.BatchCommands.Add(insert);
            write.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));

            // Not cancellable: once the rows are sent, the caller learns the outcome of the commit, not a guess.
            await write.ExecuteNonQueryAsync(CancellationToken.None);
            if (insert.RecordsAffected == batch.Count)
            {
                return true;
            }

            if (insert.RecordsAffected == 0)
            {
                return false; // the head had moved; the empty transaction committed nothing
            }

            throw new InvalidOperationException("The access-log batch wrote only part of its rows; it was not acknowledged.");
        }
        catch
        {
            await RollBackAsync(connection);
            throw;
        }
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    /// <summary>Ends a batch's transaction on its connection after a failure, not when the pool next hands the connection out.</summary>
    internal static async Task RollBackAsync(NpgsqlConnection connection)
    {
        if (connection.State != ConnectionState.Open)
        {
            return; // a broken connection: the server ends the transaction with the session
        }

        try
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection went meanwhile; the server ends the transaction with the session.
        }
    }

    // Two round trips a batch. The first begins the transaction, takes the lock and reads the head; the second sends
    // the rows, the new head and COMMIT together. The transaction is spelled out in the batches, not an
    // NpgsqlTransaction, whose commit would be a third round trip. In one batch a failing statement makes the
    // server skip the rest up to the batch's end, so COMMIT runs only if the rows and the head were written without
    // error; the batch returns only once COMMIT answered, that is after the commit is durable (synchronous_commit
    // on), and a batch whose counts are not every row and the one head row is not acknowledged.
    private static async Task<LogHead> LockAndReadHeadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // A transaction-level lock ends with the transaction, whatever happens to the connection afterwards (a
        // session lock on a pooled connection would stay held by the idle connection). The head is read in a
        // statement after the lock — in the same round trip, but a statement of its own, which in read committed
        // takes its snapshot when it starts, after the lock is held — so it sees the previous holder's commit.
        await using var lockAndRead = new NpgsqlBatch(connection);
        BeginAndLock(lockAndRead);
        lockAndRead.BatchCommands.Add(new NpgsqlBatchCommand("SELECT size, subtree_roots FROM access_log_head WHERE id = 1"));
        await using var reader = await lockAndRead.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken); // past the lock's result, to the head's
        return await AccessLogStore.ReadHeadAsync(reader, cancellationToken);
    }

    private static async Task WriteAndCommitAsync(NpgsqlConnection connection, ContinuingBatch batch)
    {
        var (rows, recordedAt) = (batch.Rows, batch.RecordedAt);
        await using var write = new NpgsqlBatch(connection);
        var insert = InsertRows(rows, recordedAt, """
            INSERT INTO access_log (seq, recorded_at, leaf, leaf_hash, event_kind, case_pseudonym, partner, purpose, decision, user_id, rule, emergency)
            SELECT s, $2, l, h, k, c, p, u, d, a, r, e FROM unnest($1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) AS t(s, l, h, k, c, p, u, d, a, r, e)
            """);
        write.BatchCommands.Add(insert);
        var update = new NpgsqlBatchCommand("UPDATE access_log_head SET size = $1, subtree_roots = $2, updated_at = $3 WHERE id = 1");
        update.Parameters.Add(new NpgsqlParameter { Value = rows.Head.Size });
        update.Parameters.Add(new NpgsqlParameter { Value = rows.Head.SubtreeRoots, NpgsqlDbType = NpgsqlDbType.Bytea });
        update.Parameters.Add(new NpgsqlParameter { Value = recordedAt, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        write.BatchCommands.Add(update);
        write.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));

        // Not cancellable: once the rows are sent, the caller learns the outcome of the commit, not a guess.
        await write.ExecuteNonQueryAsync(CancellationToken.None);
        if (insert.RecordsAffected != batch.Count || update.RecordsAffected != 1)
        {
            throw new InvalidOperationException("The access-log batch did not write every row and the head; it was not acknowledged.");
        }
    }

    /// <summary>Begins the batch's transaction (durable commit whatever the server's default) and takes the append lock.</summary>
    private static void BeginAndLock(NpgsqlBatch batch)
    {
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN ISOLATION LEVEL READ COMMITTED"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL synchronous_commit = on"));
        var take = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1)");
        take.Parameters.Add(new NpgsqlParameter { Value = AppendLockKey });
        batch.BatchCommands.Add(take);
    }

    /// <summary>The rows as parameters $1 to $10 of <paramref name="sql"/>: seqs, the time, leaves, hashes, then the six indexed columns.</summary>
    private static NpgsqlBatchCommand InsertRows(PreparedRows rows, DateTimeOffset recordedAt, string sql)
    {
        var insert = new NpgsqlBatchCommand(sql);
        insert.Parameters.Add(new NpgsqlParameter { Value = rows.Seqs, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        insert.Parameters.Add(new NpgsqlParameter { Value = recordedAt, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        insert.Parameters.Add(new NpgsqlParameter { Value = rows.Leaves, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        insert.Parameters.Add(new NpgsqlParameter { Value = rows.Hashes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        foreach (var column in new[] { rows.Kinds, rows.Cases, rows.Partners, rows.Purposes, rows.Decisions, rows.Users, rows.Rules })
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = column, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        }

        insert.Parameters.Add(new NpgsqlParameter { Value = rows.Emergencies, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean });

        return insert;
    }
}

/// <summary>A batch begun on PostgreSQL: its transaction holds the append lock and has read the head it continues from.</summary>
public sealed class BegunBatch : IAsyncDisposable
{
    internal BegunBatch(NpgsqlConnection connection, LogHead head)
    {
        Connection = connection;
        Head = head;
    }

    public LogHead Head { get; }

    internal NpgsqlConnection Connection { get; }

    /// <summary>Committed or rolled back; a batch disposed before it ended is rolled back.</summary>
    internal bool Ended { get; set; }

    public async ValueTask DisposeAsync()
    {
        if (!Ended)
        {
            await PostgresAccessLog.RollBackAsync(Connection);
        }

        await Connection.DisposeAsync();
    }
}
