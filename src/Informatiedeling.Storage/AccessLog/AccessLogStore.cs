using System.Data;
using System.Data.Common;
using System.Globalization;
using Informatiedeling.AccessLog.Merkle;
using Informatiedeling.AccessLog.Records;

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
/// <para>
/// What differs per engine is in one place each, chosen here once: <see cref="PostgresAccessLog"/> (the append in one
/// or two round trips, the batch begun ahead) and <see cref="SqliteAccessLog"/>. This class holds what the writer,
/// the verifier, the checkpoint issuer and the queries call, the rows' encoding, and the statements both engines share.
/// </para>
/// </summary>
public sealed partial class AccessLogStore : IAsyncDisposable
{
    private readonly StorageSettings _settings;
    private readonly IAccessLogEngine _engine;

    // The same engine when it is PostgreSQL's: the batches begun ahead and continued, which only it has.
    private readonly PostgresAccessLog? _postgres;

    public AccessLogStore(StorageSettings settings)
    {
        _settings = settings;
        if (settings.Provider == StorageProvider.PostgreSql)
        {
            _engine = _postgres = new PostgresAccessLog(settings.ConnectionString);
        }
        else
        {
            _engine = new SqliteAccessLog(settings.ConnectionString);
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
        return await _engine.AppendAsync(records, recordedAt, cancellationToken);
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
        var postgres = _postgres ?? throw new InvalidOperationException("A batch is begun ahead on PostgreSQL only.");
        return await postgres.BeginBatchAsync(cancellationToken);
    }

    /// <summary>
    /// Appends <paramref name="rows"/>, encoded from <paramref name="batch"/>'s head (<see cref="PrepareContinuing"/> with
    /// <see cref="BegunBatch.Head"/>), in the batch's transaction and commits it; returns the seq of the first, only once
    /// the commit is durable, and throws when it is not.
    /// </summary>
    public static Task<long> CommitBatchAsync(BegunBatch batch, ContinuingBatch rows) => PostgresAccessLog.CommitBatchAsync(batch, rows);

    /// <summary>
    /// Encodes <paramref name="records"/> to follow <paramref name="from"/>, a head this instance expects the log to have
    /// when the batch gets the lock (the head its last batch left): the rows and the head they leave, for
    /// <see cref="TryCommitContinuingAsync"/>. Nothing is written.
    /// </summary>
    public static ContinuingBatch PrepareContinuing(LogHead from, IReadOnlyList<AccessRecord> records, DateTimeOffset recordedAt)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(records);
        return new ContinuingBatch(from, PreparedRows.Encode(from, records, recordedAt), records.Count, recordedAt);
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
        var postgres = _postgres ?? throw new InvalidOperationException("A batch continues from a head it expects on PostgreSQL only.");
        return await postgres.TryCommitContinuingAsync(batch);
    }

    public async Task<LogHead> ReadHeadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _engine.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT size, subtree_roots FROM access_log_head WHERE id = 1";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadHeadAsync(reader, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredCheckpoint>> ReadCheckpointsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _engine.OpenAsync(cancellationToken);
        return await ReadCheckpointsAsync(connection, null, cancellationToken);
    }

    /// <summary>Stores a signed checkpoint; one of the same size stored by another instance first wins.</summary>
    public async Task AddCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        await using var connection = await _engine.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO access_log_checkpoints (size, root, note, created_at) VALUES (@size, @root, @note, @at) ON CONFLICT (size) DO NOTHING";
        AddParameter(command, "size", checkpoint.Size);
        AddParameter(command, "root", checkpoint.Root);
        AddParameter(command, "note", checkpoint.Note);
        AddParameter(command, "at", _engine.Time(checkpoint.CreatedAt));
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
        await using var connection = await _engine.OpenAsync(cancellationToken);
        // One snapshot for head, checkpoints and rows, so writers go on while the log is verified.
        await using var transaction = await _engine.BeginSnapshotAsync(connection, cancellationToken);
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
        await using var connection = await _engine.OpenAsync(cancellationToken);
        await using var transaction = await _engine.BeginSnapshotAsync(connection, cancellationToken);
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
        await using var connection = await _engine.OpenAsync(cancellationToken);
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

    /// <summary>The records matching <paramref name="query"/>, oldest first, or newest first when it asks so.</summary>
    public Task<IReadOnlyList<LoggedRecord>> QueryAsync(AccessLogQuery query, CancellationToken cancellationToken) =>
        SelectAsync(query, "leaf", reader => AccessRecordEncoding.Decode(reader.GetFieldValue<byte[]>(0)), cancellationToken);

    /// <summary>
    /// The stored leaves matching <paramref name="query"/> as they are (seq, leaf bytes, leaf hash), for proofs that
    /// bind what is shown to what the tree signs: the bytes as written, not a record encoded again.
    /// </summary>
    public Task<IReadOnlyList<StoredLeaf>> QueryLeavesAsync(AccessLogQuery query, CancellationToken cancellationToken) =>
        SelectAsync(query, "seq, leaf, leaf_hash", reader => new StoredLeaf(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<byte[]>(2)), cancellationToken);

    /// <summary>The rows matching <paramref name="query"/>, each read by <paramref name="row"/> from <paramref name="columns"/>.</summary>
    private async Task<IReadOnlyList<T>> SelectAsync<T>(AccessLogQuery query, string columns, Func<DbDataReader, T> row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await _engine.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = await SelectAsync(connection, command, query, columns, cancellationToken);
        var found = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(row(reader));
        }

        return found;
    }

    /// <summary>The SELECT of <paramref name="columns"/> for <paramref name="query"/>, its parameters added to <paramref name="command"/>.</summary>
    private async Task<string> SelectAsync(DbConnection connection, DbCommand command, AccessLogQuery query, string columns, CancellationToken cancellationToken)
    {
        var where = new List<string> { "seq >= @from" };
        AddParameter(command, "from", query.FromSeq);
        if (query.RecordedFrom is not null || query.RecordedBefore is not null)
        {
            // A time window is a range of seq (found on the primary key), then the exact times within it.
            var (lo, hi) = await SeqWindowAsync(connection, query.RecordedFrom, query.RecordedBefore, cancellationToken);
            where.Add("seq >= @windowLo AND seq < @windowHi");
            AddParameter(command, "windowLo", lo);
            AddParameter(command, "windowHi", hi);
        }
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

        if (query.User is { } user)
        {
            // Records from before the column existed have none, and are found by no user.
            where.Add("user_id = @user");
            AddParameter(command, "user", user);
        }

        if (query.Cases is { } any)
        {
            // No case at all matches nothing: an empty list is a search that found no file, not a search without one.
            where.Add(any.Count == 0 ? "1 = 0" : _engine.AnyCase(command, [.. any.Select(c => c.Value).Distinct(StringComparer.Ordinal)]));
        }

        if (query.Rule is { } rule)
        {
            where.Add("rule = @rule");
            AddParameter(command, "rule", rule);
        }

        if (query.Emergency is { } emergency)
        {
            // Through the partial index of emergency releases. Rows from before the column are neither (NULL).
            where.Add(emergency ? (_settings.Provider == StorageProvider.PostgreSql ? "emergency" : "emergency = 1") : "NOT emergency");
        }

        if (query.RecordedFrom is { } from)
        {
            where.Add("recorded_at >= @recordedFrom");
            AddParameter(command, "recordedFrom", _engine.Time(from));
        }

        if (query.RecordedBefore is { } until)
        {
            where.Add("recorded_at < @recordedBefore");
            AddParameter(command, "recordedBefore", _engine.Time(until));
        }

        if (query.BeforeSeq is { } before)
        {
            where.Add("seq < @before");
            AddParameter(command, "before", before);
        }

        AddParameter(command, "limit", query.Limit);
        var order = query.NewestFirst ? "seq DESC" : "seq";
        return $"SELECT {columns} FROM access_log WHERE {string.Join(" AND ", where)} ORDER BY {order} LIMIT @limit";
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

        await using var connection = await _engine.OpenAsync(cancellationToken);
        foreach (var chunk in cases.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            await using var command = connection.CreateCommand();
            AddParameter(command, "kind", AccessLogNames.Kind(kind));
            var match = _engine.AnyCase(command, chunk);
            command.CommandText = $"SELECT leaf FROM access_log WHERE {match} AND event_kind = @kind ORDER BY seq";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                found.Add(AccessRecordEncoding.Decode(reader.GetFieldValue<byte[]>(0)));
            }
        }

        return [.. found.OrderBy(r => r.Seq)];
    }

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    /// <summary>The head as <paramref name="reader"/>, on the head's result, has it.</summary>
    internal static async Task<LogHead> ReadHeadAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException("The access log has no head row; the database was not migrated or the row was removed.");
        }

        return new LogHead(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1));
    }

    internal static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
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

    private static async Task<LogHead> ReadHeadAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT size, subtree_roots FROM access_log_head WHERE id = 1";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadHeadAsync(reader, cancellationToken);
    }
}

/// <summary>
/// A batch's rows as both engines write them: seq = size, size + 1, …, each record encoded as its leaf, its leaf hash,
/// the indexed columns (the acting user's id, the rule and whether it was an emergency among them: copies of what the leaf holds), and the head the log has after them.
/// </summary>
internal sealed class PreparedRows(int count)
{
    public long[] Seqs { get; } = new long[count];
    public byte[][] Leaves { get; } = new byte[count][];
    public byte[][] Hashes { get; } = new byte[count][];
    public string[] Kinds { get; } = new string[count];
    public string?[] Cases { get; } = new string?[count];
    public string?[] Partners { get; } = new string?[count];
    public string?[] Users { get; } = new string?[count];
    public string?[] Purposes { get; } = new string?[count];
    public string?[] Decisions { get; } = new string?[count];
    public string?[] Rules { get; } = new string?[count];
    public bool[] Emergencies { get; } = new bool[count];
    public LogHead Head { get; private set; } = new(0, []);

    /// <summary>Assigns seq = size, size + 1, … and encodes each record as its leaf.</summary>
    public static PreparedRows Encode(LogHead head, IReadOnlyList<AccessRecord> records, DateTimeOffset recordedAt)
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
            rows.Users[i] = record.ActorUser;
            rows.Purposes[i] = record.Purpose?.Value;
            rows.Decisions[i] = record.Decision == AccessDecision.None ? null : AccessLogNames.Decision(record.Decision);
            rows.Rules[i] = record.Rule;
            rows.Emergencies[i] = record.Emergency;
        }

        rows.Head = new LogHead(accumulator.Size, accumulator.CopySubtreeRoots());
        return rows;
    }
}

/// <summary>A batch encoded to continue from the head an instance expects (<see cref="AccessLogStore.PrepareContinuing"/>), not yet written.</summary>
public sealed class ContinuingBatch
{
    internal ContinuingBatch(LogHead from, PreparedRows rows, int count, DateTimeOffset recordedAt)
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

    internal PreparedRows Rows { get; }

    internal int Count { get; }

    internal DateTimeOffset RecordedAt { get; }
}
