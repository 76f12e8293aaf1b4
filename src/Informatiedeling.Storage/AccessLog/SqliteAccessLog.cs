using System.Data;
using System.Data.Common;
using System.Globalization;
using Informatiedeling.AccessLog.Records;
using Microsoft.Data.Sqlite;

namespace Informatiedeling.Storage.AccessLog;

/// <summary>
/// The access log on SQLite: every statement of the store that is SQLite's own. A batch is appended under SQLite's
/// single writer, taken before the head is read; times are stored as text.
/// </summary>
internal sealed class SqliteAccessLog(string connectionString) : IAccessLogEngine
{
    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss.fffffffzzz";

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await OpenSqliteAsync(cancellationToken);

    /// <summary>A deferred transaction, which reads a WAL snapshot without taking the write lock, so writers go on while the log is read.</summary>
    public ValueTask<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    public object Time(DateTimeOffset at) => at.ToUniversalTime().ToString(TimeFormat, CultureInfo.InvariantCulture);

    public string AnyCase(DbCommand command, string[] cases)
    {
        for (var i = 0; i < cases.Length; i++)
        {
            AccessLogStore.AddParameter(command, string.Create(CultureInfo.InvariantCulture, $"c{i}"), cases[i]);
        }

        return $"case_pseudonym IN ({string.Join(", ", cases.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $"@c{i}")))})";
    }

    public async Task<long> AppendAsync(IReadOnlyList<AccessRecord> records, DateTimeOffset recordedAt, CancellationToken cancellationToken)
    {
        await using var connection = await OpenSqliteAsync(cancellationToken);

        // BEGIN IMMEDIATE takes SQLite's one write lock before the head is read: the same order across processes.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
        LogHead head;
        await using (var read = new SqliteCommand("SELECT size, subtree_roots FROM access_log_head WHERE id = 1", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            head = await AccessLogStore.ReadHeadAsync(reader, cancellationToken);
        }

        var rows = PreparedRows.Encode(head, records, recordedAt);
        var at = recordedAt.ToString(TimeFormat, CultureInfo.InvariantCulture);
        await using (var insert = new SqliteCommand("""
            INSERT INTO access_log (seq, recorded_at, leaf, leaf_hash, event_kind, case_pseudonym, partner, purpose, decision, user_id, rule, emergency)
            VALUES ($seq, $at, $leaf, $hash, $kind, $case, $partner, $purpose, $decision, $user, $rule, $emergency)
            """, connection, transaction))
        {
            var parameters = new[] { "$seq", "$at", "$leaf", "$hash", "$kind", "$case", "$partner", "$purpose", "$decision", "$user", "$rule", "$emergency" }
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
                parameters[9].Value = (object?)rows.Users[i] ?? DBNull.Value;
                parameters[10].Value = (object?)rows.Rules[i] ?? DBNull.Value;
                parameters[11].Value = rows.Emergencies[i];
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

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<SqliteConnection> OpenSqliteAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
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
}
