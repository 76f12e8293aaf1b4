using System.Data;
using System.Data.Common;
using System.Globalization;
using Informatiedeling.AccessLog.Merkle;
using Informatiedeling.AccessLog.Records;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Informatiedeling.Storage.AccessLog;

/// <summary>The head the writer continues from: the tree size and the roots of its perfect subtrees.</summary>
public sealed record LogHead(long Size, byte[] SubtreeRoots)
{
    public MerkleAccumulator Restore() => MerkleAccumulator.Restore(Size, SubtreeRoots);
}

/// <summary>A signed checkpoint as stored.</summary>
public sealed record StoredCheckpoint(long Size, byte[] Root, string Note, DateTimeOffset CreatedAt);

/// <summary>One row of the log as stored: what verification reads.</summary>
public readonly record struct StoredLeaf(long Seq, byte[] Leaf, byte[] LeafHash);

/// <summary>
/// The stored state a new checkpoint would sign (<see cref="AccessLogStore.ReadCheckpointBasisAsync"/>): the head, the
/// stored checkpoints, the leaf hashes of the contiguous records from seq 0, and the records from the latest stored
/// checkpoint's size on, with their leaves (a last row whose seq breaks the sequence ends the read).
/// </summary>
public sealed record CheckpointBasis(LogHead Head, IReadOnlyList<StoredCheckpoint> Checkpoints, InMemoryLeafHashSource Hashes, IReadOnlyList<StoredLeaf> Unsigned);

/// <summary>
/// The access-log tables, through plain ADO.NET: the writer's batch is one statement per kind, not an EF change
/// tracker per row. Only the writer appends; every append runs under a lock all instances share (a
/// transaction-level advisory lock on PostgreSQL, SQLite's single writer), so there is one order and no gap.
/// </summary>
public sealed class AccessLogStore : IAsyncDisposable
{
    // "toeglog1": the transaction-level advisory lock under which every batch is appended.
    private const long AppendLockKey = 0x746f6567_6c6f6731;
    private const string SqliteTimeFormat = "yyyy-MM-dd HH:mm:ss.fffffffzzz";

    private readonly StorageSettings _settings;
    private readonly NpgsqlDataSource? _postgres;

    public AccessLogStore(StorageSettings settings)
    {
        _settings = settings;
        if (settings.Provider == StorageProvider.PostgreSql)
        {
            _postgres = NpgsqlDataSource.Create(PostgresConnections.WithHubDefaults(settings.ConnectionString));
        }
    }

    public StorageProvider Provider => _settings.Provider;

    /// <summary>
    /// Appends <paramref name="records"/> in one transaction and returns the seq of the first. Returns only once
    /// the transaction committed durably; throws when it did not.
    /// </summary>
    public async Task<long> AppendBatchAsync(IReadOnlyList<AccessRecord> records, DateTimeOffset recordedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        return _postgres is not null
            ? await AppendPostgresAsync(_postgres, records, recordedAt, cancellationToken)
            : await AppendSqliteAsync(records, recordedAt, cancellationToken);
    }

    /// <summary>
    /// Whether a batch can be begun ahead (<see cref="BeginBatchAsync"/>): on PostgreSQL, where a second
    /// connection's lock request waits in the server while the batch before it commits.
    /// </summary>
    public bool CanBeginAhead => _postgres is not null;

    /// <summary>
    /// Begins a batch on PostgreSQL: opens a transaction, takes the append lock and reads the head, and returns only
    /// once the lock is held (that is, once the batch before it, of this instance or another, committed or rolled
    /// back). The records are given afterwards, to <see cref="CommitBatchAsync"/>, so that those that came in while
    /// the lock was awaited join the batch. Disposing the batch without committing it rolls it back.
    /// </summary>
    public async Task<BegunBatch> BeginBatchAsync(CancellationToken cancellationToken)
    {
        var source = _postgres ?? throw new InvalidOperationException("A batch is begun ahead on PostgreSQL only.");
        var connection = await source.OpenConnectionAsync(cancellationToken);
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

    /// <summary>
    /// Appends <paramref name="rows"/>, encoded from <paramref name="batch"/>'s head (<see cref="PrepareContinuing"/> with
    /// <see cref="BegunBatch.Head"/>), in the batch's transaction and commits it; returns the seq of the first, only once
    /// the commit is durable, and throws when it is not.
    /// </summary>
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
    /// Encodes <paramref name="records"/> to follow <paramref name="from"/>, a head this instance expects the log to have
    /// when the batch gets the lock (the head its last batch left): the rows and the head they leave, for
    /// <see cref="TryCommitContinuingAsync"/>. Nothing is written.
    /// </summary>
    public static ContinuingBatch PrepareContinuing(LogHead from, IReadOnlyList<AccessRecord> records, DateTimeOffset recordedAt)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(records);
        return new ContinuingBatch(from, Prepare(from, records, recordedAt), records.Count, recordedAt);
    }

    /// <summary>
    /// Appends a batch in one round trip on PostgreSQL: BEGIN, the append lock, the rows with the new head, COMMIT. The
    /// rows and the head are written only if, once the lock is held, the head is still the one the batch continues
    /// from; then it returns true once the commit is durable. It returns false, having written nothing, when the
    /// head moved (another instance appended, or the batch this one followed failed): append through
    /// <see cref="AppendBatchAsync"/> then, which reads the head under the lock. Throws when the commit failed.
    /// </summary>
    public async Task<bool> TryCommitContinuingAsync(ContinuingBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var source = _postgres ?? throw new InvalidOperationException("A batch continues from a head it expects on PostgreSQL only.");
        await using var connection = await source.OpenConnectionAsync(CancellationToken.None);
        try
        {
            await using var write = new NpgsqlBatch(connection);
            BeginAndLock(write);

            // A statement after the lock, so its snapshot sees the previous holder's commit (as in LockAndReadHeadAsync).
            // The head moves only if it is still the expected one, and the rows go in only if it moved: one statement,
            // so both or neither.
            var insert = InsertRows(batch.Rows, batch.RecordedAt, """
                WITH moved AS (
                    UPDATE access_log_head SET size = $10, subtree_roots = $11, updated_at = $2
                    WHERE id = 1 AND size = $12 AND subtree_roots = $13
                    RETURNING 1)
                INSERT INTO access_log (seq, recorded_at, leaf, leaf_hash, event_kind, case_pseudonym, partner, purpose, decision)
                SELECT s, $2, l, h, k, c, p, u, d FROM unnest($1, $3, $4, $5, $6, $7, $8, $9) AS t(s, l, h, k, c, p, u, d)
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

    private static async Task<long> AppendPostgresAsync(NpgsqlDataSource source, IReadOnlyList<AccessRecord> records, DateTimeOffset recordedAt, CancellationToken cancellationToken)
    {
        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        try
        {
            var head = await LockAndReadHeadAsync(connection, cancellationToken);
            await WriteAndCommitAsync(connection, PrepareContinuing(head, records, recordedAt));
            return head.Size;
        }
        catch
        {
            await RollBackAsync(connection);
            throw;
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
        return await ReadHeadAsync(reader, cancellationToken);
    }

    private static async Task WriteAndCommitAsync(NpgsqlConnection connection, ContinuingBatch batch)
    {
        var (rows, recordedAt) = (batch.Rows, batch.RecordedAt);
        await using var write = new NpgsqlBatch(connection);
        var insert = InsertRows(rows, recordedAt, """
            INSERT INTO access_log (seq, recorded_at, leaf, leaf_hash, event_kind, case_pseudonym, partner, purpose, decision)
            SELECT s, $2, l, h, k, c, p, u, d FROM unnest($1, $3, $4, $5, $6, $7, $8, $9) AS t(s, l, h, k, c, p, u, d)
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

    /// <summary>The rows as parameters $1 to $9 of <paramref name="sql"/>: seqs, the time, leaves, hashes, then the five indexed columns.</summary>
    private static NpgsqlBatchCommand InsertRows(PreparedRows rows, DateTimeOffset recordedAt, string sql)
    {
        var insert = new NpgsqlBatchCommand(sql);
        insert.Parameters.Add(new NpgsqlParameter { Value = rows.Seqs, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        insert.Parameters.Add(new NpgsqlParameter { Value = recordedAt, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        insert.Parameters.Add(new NpgsqlParameter { Value = rows.Leaves, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        insert.Parameters.Add(new NpgsqlParameter { Value = rows.Hashes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        foreach (var column in new[] { rows.Kinds, rows.Cases, rows.Partners, rows.Purposes, rows.Decisions })
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = column, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        }

        return insert;
    }

    private static Task RollBackAsync(NpgsqlConnection connection) => AccessLogStoreRollback.RollBackAsync(connection);

    private async Task<long> AppendSqliteAsync(IReadOnlyList<AccessRecord> records, DateTimeOffset recordedAt, CancellationToken cancellationToken)
    {
        await using var connection = await OpenSqliteAsync(cancellationToken);

        // BEGIN IMMEDIATE takes SQLite's one write lock before the head is read: the same order across processes.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
        LogHead head;
        await using (var read = new SqliteCommand("SELECT size, subtree_roots FROM access_log_head WHERE id = 1", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            head = await ReadHeadAsync(reader, cancellationToken);
        }

        var rows = Prepare(head, records, recordedAt);
        var at = recordedAt.ToString(SqliteTimeFormat, CultureInfo.InvariantCulture);
        await using (var insert = new SqliteCommand("""
            INSERT INTO access_log (seq, recorded_at, leaf, leaf_hash, event_kind, case_pseudonym, partner, purpose, decision)
            VALUES ($seq, $at, $leaf, $hash, $kind, $case, $partner, $purpose, $decision)
            """, connection, transaction))
        {
            var parameters = new[] { "$seq", "$at", "$leaf", "$hash", "$kind", "$case", "$partner", "$purpose", "$decision" }
                .Select(name => insert.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();
            for (var i = 0; i < rows.Seqs.Length; i++)
            {
                parameters[0].Value = rows.Seqs[i];
                parameters[1].Value = at;
                parameters[2].Value = rows.Leaves[i];
                parameters[3].Value = rows.Hashes[i];
                parameters[4].Value = rows.Kinds[i];
                parameters[5].Value = (object?)rows.Cases[i] ?? DBNull.Value;
                parameters[6].Value = (object?)rows.Partners[i] ?? DBNull.Value;
                parameters[7].Value = (object?)rows.Purposes[i] ?? DBNull.Value;
                parameters[8].Value = (object?)rows.Decisions[i] ?? DBNull.Value;
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using (var update = new SqliteCommand("UPDATE access_log_head SET size = $size, subtree_roots = $roots, updated_at = $at WHERE id = 1", connection, transaction))
        {
            update.Parameters.AddWithValue("$size", rows.Head.Size);
            update.Parameters.AddWithValue("$roots", rows.Head.SubtreeRoots);
            update.Parameters.AddWithValue("$at", at);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(CancellationToken.None);
        return head.Size;
    }

    /// <summary>Assigns seq = size, size + 1, … and encodes each record as its leaf.</summary>
    private static PreparedRows Prepare(LogHead head, IReadOnlyList<AccessRecord> records, DateTimeOffset recordedAt)
    {
        var accumulator = head.Restore();
        var rows = new PreparedRows(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var seq = head.Size + i;
            var leaf = AccessRecordEncoding.Encode(seq, recordedAt, record);
            var hash = MerkleHash.LeafHash(leaf);
            accumulator.Append(hash);
            rows.Seqs[i] = seq;
            rows.Leaves[i] = leaf;
            rows.Hashes[i] = hash;
            rows.Kinds[i] = AccessLogNames.Kind(record.Kind);
            rows.Cases[i] = record.Case?.Value;
            rows.Partners[i] = record.ActorPartner?.Value;
            rows.Purposes[i] = record.Purpose?.Value;
            rows.Decisions[i] = record.Decision == AccessDecision.None ? null : AccessLogNames.Decision(record.Decision);
        }

        rows.Head = new LogHead(accumulator.Size, accumulator.CopySubtreeRoots());
        return rows;
    }

    public async Task<LogHead> ReadHeadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT size, subtree_roots FROM access_log_head WHERE id = 1";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadHeadAsync(reader, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredCheckpoint>> ReadCheckpointsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ReadCheckpointsAsync(connection, null, cancellationToken);
    }

    /// <summary>Stores a signed checkpoint; one of the same size stored by another instance first wins.</summary>
    public async Task AddCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO access_log_checkpoints (size, root, note, created_at) VALUES (@size, @root, @note, @at) ON CONFLICT (size) DO NOTHING";
        AddParameter(command, "size", checkpoint.Size);
        AddParameter(command, "root", checkpoint.Root);
        AddParameter(command, "note", checkpoint.Note);
        AddParameter(command, "at", Time(checkpoint.CreatedAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Reads, in one snapshot, the head and the stored checkpoints (handed to <paramref name="begin"/>; false stops)
    /// and then every row in seq order, handing each to <paramref name="row"/> until it returns false.
    /// </summary>
    public async Task ReadSnapshotAsync(Func<LogHead, IReadOnlyList<StoredCheckpoint>, bool> begin, Func<StoredLeaf, bool> row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(begin);
        ArgumentNullException.ThrowIfNull(row);
        await using var connection = await OpenAsync(cancellationToken);
        // One snapshot for head, checkpoints and rows, so writers go on while the log is verified.
        await using var transaction = await BeginSnapshotAsync(connection, cancellationToken);
        var head = await ReadHeadAsync(connection, transaction, cancellationToken);

        var checkpoints = await ReadCheckpointsAsync(connection, transaction, cancellationToken);
        if (!begin(head, checkpoints))
        {
            return;
        }

        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT seq, leaf, leaf_hash FROM access_log ORDER BY seq";
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!row(new StoredLeaf(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<byte[]>(2))))
                {
                    break;
                }
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// What signing the next checkpoint rests on, read in one snapshot: the head, the stored checkpoints, every
    /// record's leaf hash, and the whole leaf of the records no stored checkpoint covers yet (those the next one would
    /// sign for the first time). Reads hashes, not contents, of the rest: a checkpoint signs hashes.
    /// </summary>
    public async Task<CheckpointBasis> ReadCheckpointBasisAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginSnapshotAsync(connection, cancellationToken);
        var head = await ReadHeadAsync(connection, transaction, cancellationToken);

        var checkpoints = await ReadCheckpointsAsync(connection, transaction, cancellationToken);
        var unsignedFrom = checkpoints.Count == 0 ? 0 : checkpoints[^1].Size;
        var hashes = new InMemoryLeafHashSource((int)Math.Min(head.Size, Array.MaxLength / MerkleHash.Size));
        var unsigned = new List<StoredLeaf>();
        var rows = 0L;
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT seq, leaf_hash, CASE WHEN seq >= @from THEN leaf END FROM access_log ORDER BY seq";
            AddParameter(command, "from", unsignedFrom);
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var seq = reader.GetInt64(0);
                var hash = reader.GetFieldValue<byte[]>(1);
                if (seq != rows || hash.Length != MerkleHash.Size)
                {
                    // Not a log any more from here on; the basis says where it stops being one.
                    unsigned.Add(new StoredLeaf(seq, [], hash));
                    break;
                }

                hashes.Append(hash);
                if (seq >= unsignedFrom)
                {
                    unsigned.Add(new StoredLeaf(seq, reader.IsDBNull(2) ? [] : reader.GetFieldValue<byte[]>(2), hash));
                }

                rows++;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new CheckpointBasis(head, checkpoints, hashes, unsigned);
    }

    /// <summary>The leaf hashes of seq 0 up to <paramref name="size"/>, for proofs.</summary>
    public async Task<InMemoryLeafHashSource> ReadLeafHashesAsync(long size, CancellationToken cancellationToken)
    {
        var source = new InMemoryLeafHashSource((int)size);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT leaf_hash FROM access_log WHERE seq < @size ORDER BY seq";
        AddParameter(command, "size", size);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            source.Append(reader.GetFieldValue<byte[]>(0));
        }

        return source;
    }

    /// <summary>The records matching <paramref name="query"/>, oldest first.</summary>
    public async Task<IReadOnlyList<LoggedRecord>> QueryAsync(AccessLogQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var where = new List<string> { "seq >= @from" };
        AddParameter(command, "from", query.FromSeq);
        if (query.Case is { } c)
        {
            where.Add("case_pseudonym = @case");
            AddParameter(command, "case", c.Value);
        }

        if (query.Partner is { } p)
        {
            where.Add("partner = @partner");
            AddParameter(command, "partner", p.Value);
        }

        if (query.Purpose is { } u)
        {
            where.Add("purpose = @purpose");
            AddParameter(command, "purpose", u.Value);
        }

        if (query.Decision is { } d)
        {
            where.Add("decision = @decision");
            AddParameter(command, "decision", AccessLogNames.Decision(d));
        }

        if (query.Kind is { } k)
        {
            where.Add("event_kind = @kind");
            AddParameter(command, "kind", AccessLogNames.Kind(k));
        }

        AddParameter(command, "limit", query.Limit);
        command.CommandText = $"SELECT leaf FROM access_log WHERE {string.Join(" AND ", where)} ORDER BY seq LIMIT @limit";
        var found = new List<LoggedRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(AccessRecordEncoding.Decode(reader.GetFieldValue<byte[]>(0)));
        }

        return found;
    }

    /// <summary>
    /// The records of <paramref name="kind"/> under any of <paramref name="cases"/>, oldest first, through the case
    /// index. Reads only: nothing is recorded about the read (the callers are the hub's own processes).
    /// </summary>
    public async Task<IReadOnlyList<LoggedRecord>> OfCasesAsync(IReadOnlyCollection<string> cases, AccessEventKind kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var found = new List<LoggedRecord>();
        if (cases.Count == 0)
        {
            return found;
        }

        await using var connection = await OpenAsync(cancellationToken);
        foreach (var chunk in cases.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            await using var command = connection.CreateCommand();
            AddParameter(command, "kind", AccessLogNames.Kind(kind));
            string match;
            if (_postgres is not null)
            {
                AddParameter(command, "cases", chunk);
                match = "case_pseudonym = ANY(@cases)";
            }
            else
            {
                for (var i = 0; i < chunk.Length; i++)
                {
                    AddParameter(command, string.Create(CultureInfo.InvariantCulture, $"c{i}"), chunk[i]);
                }

                match = $"case_pseudonym IN ({string.Join(", ", chunk.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $"@c{i}")))})";
            }

            command.CommandText = $"SELECT leaf FROM access_log WHERE {match} AND event_kind = @kind ORDER BY seq";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                found.Add(AccessRecordEncoding.Decode(reader.GetFieldValue<byte[]>(0)));
            }
        }

        return [.. found.OrderBy(r => r.Seq)];
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(cancellationToken);
        }

        return await OpenSqliteAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenSqliteAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_settings.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);

            // In WAL mode NORMAL may lose the last commits on power loss; an acknowledged record must survive it.
            await using var pragma = new SqliteCommand("PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000;", connection);
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task<IReadOnlyList<StoredCheckpoint>> ReadCheckpointsAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT size, root, note, created_at FROM access_log_checkpoints ORDER BY size";
        var checkpoints = new List<StoredCheckpoint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var at = reader.GetValue(3) switch
            {
                DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
                DateTimeOffset o => o,
                var other => DateTimeOffset.Parse(Convert.ToString(other, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture),
            };
            checkpoints.Add(new StoredCheckpoint(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetString(2), at));
        }

        return checkpoints;
    }

    /// <summary>
    /// A read-only snapshot of the log. SQLite: a deferred transaction, which reads a WAL snapshot without taking the
    /// write lock, so writers go on while the log is read; PostgreSQL: repeatable read.
    /// </summary>
    private static async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        connection is SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: true)
            : await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

    private static async Task<LogHead> ReadHeadAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT size, subtree_roots FROM access_log_head WHERE id = 1";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadHeadAsync(reader, cancellationToken);
    }

    private static async Task<LogHead> ReadHeadAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException("The access log has no head row; the database was not migrated or the row was removed.");
        }

        return new LogHead(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1));
    }

    private object Time(DateTimeOffset at) =>
        _postgres is not null ? at.ToUniversalTime() : at.ToUniversalTime().ToString(SqliteTimeFormat, CultureInfo.InvariantCulture);

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    internal sealed class PreparedRows(int count)
    {
        public long[] Seqs { get; } = new long[count];
        public byte[][] Leaves { get; } = new byte[count][];
        public byte[][] Hashes { get; } = new byte[count][];
        public string[] Kinds { get; } = new string[count];
        public string?[] Cases { get; } = new string?[count];
        public string?[] Partners { get; } = new string?[count];
        public string?[] Purposes { get; } = new string?[count];
        public string?[] Decisions { get; } = new string?[count];
        public LogHead Head { get; set; } = new(0, []);
    }
}

/// <summary>A batch encoded to continue from the head an instance expects (<see cref="AccessLogStore.PrepareContinuing"/>), not yet written.</summary>
public sealed class ContinuingBatch
{
    internal ContinuingBatch(LogHead from, AccessLogStore.PreparedRows rows, int count, DateTimeOffset recordedAt)
    {
        From = from;
        Rows = rows;
        Count = count;
        RecordedAt = recordedAt;
    }

    /// <summary>The head the batch continues from: its first record takes seq <c>From.Size</c>.</summary>
    public LogHead From { get; }

    /// <summary>The head the log has once the batch is committed.</summary>
    public LogHead To => Rows.Head;

    internal AccessLogStore.PreparedRows Rows { get; }

    internal int Count { get; }

    internal DateTimeOffset RecordedAt { get; }
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
            await AccessLogStoreRollback.RollBackAsync(Connection);
        }

        await Connection.DisposeAsync();
    }
}

/// <summary>Ends a batch's transaction on its connection after a failure, not when the pool next hands the connection out.</summary>
internal static class AccessLogStoreRollback
{
    public static async Task RollBackAsync(NpgsqlConnection connection)
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
}
