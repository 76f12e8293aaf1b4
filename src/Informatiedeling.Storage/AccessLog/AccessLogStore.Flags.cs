using System.Data.Common;
using System.Globalization;
using Informatiedeling.AccessLog.Records;

namespace Informatiedeling.Storage.AccessLog;

/// <summary>Which rows of a time window the privacy officer's flags read (<see cref="AccessLogStore.FlagRowsAsync"/>).</summary>
public enum FlagRowSelection
{
    /// <summary>Every record whose decision was deny, of any kind.</summary>
    Denials,

    /// <summary>Access decisions on a case (the rows after-closure, shell-partner and bulk flags are computed from).</summary>
    CaseAccesses,

    /// <summary>Emergency releases, through their partial index.</summary>
    Emergencies,

    /// <summary>Reads of the log itself.</summary>
    LogReads,
}

/// <summary>
/// One row of the log as its query columns hold it: what a flag names (when, who, which case, decision, rule), read
/// without decoding the leaf. Rows written before a column existed have it empty.
/// </summary>
public sealed record FlagRow(long Seq, DateTimeOffset RecordedAt, string Kind, string? Partner, string? User, string? Case, string? Decision, string? Rule, bool Emergency);

public sealed partial class AccessLogStore
{
    /// <summary>
    /// The rows of <paramref name="selection"/> recorded in [<paramref name="from"/>, <paramref name="before"/>), of
    /// <paramref name="partner"/>'s employees only when given, oldest first, at most <paramref name="limit"/>: the
    /// query columns only, within the window's range of seq (<see cref="SeqWindowAsync"/>), never a leaf decoded.
    /// </summary>
    public async Task<IReadOnlyList<FlagRow>> FlagRowsAsync(
        FlagRowSelection selection, DateTimeOffset from, DateTimeOffset before, string? partner, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _engine.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var (lo, hi) = await SeqWindowAsync(connection, from, before, cancellationToken);
        var where = new List<string> { "seq >= @windowLo", "seq < @windowHi", "recorded_at >= @from", "recorded_at < @before" };
        AddParameter(command, "windowLo", lo);
        AddParameter(command, "windowHi", hi);
        AddParameter(command, "from", _engine.Time(from));
        AddParameter(command, "before", _engine.Time(before));
        switch (selection)
        {
            case FlagRowSelection.Denials:
                where.Add("decision = @decision");
                AddParameter(command, "decision", AccessLogNames.Decision(AccessDecision.Deny));
                break;
            case FlagRowSelection.CaseAccesses:
                where.Add("event_kind = @kind AND case_pseudonym IS NOT NULL");
                AddParameter(command, "kind", AccessLogNames.Kind(AccessEventKind.AccessDecision));
                break;
            case FlagRowSelection.Emergencies:
                where.Add(_settings.Provider == StorageProvider.PostgreSql ? "emergency" : "emergency = 1");
                break;
            case FlagRowSelection.LogReads:
                where.Add("event_kind = @kind");
                AddParameter(command, "kind", AccessLogNames.Kind(AccessEventKind.LogRead));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(selection), selection, "Not a selection of flag rows.");
        }

        if (partner is not null)
        {
            where.Add("partner = @partner");
            AddParameter(command, "partner", partner);
        }

        AddParameter(command, "limit", limit);
        command.CommandText =
            "SELECT seq, recorded_at, event_kind, partner, user_id, case_pseudonym, decision, rule, emergency FROM access_log " +
            $"WHERE {string.Join(" AND ", where)} ORDER BY seq LIMIT @limit";
        var rows = new List<FlagRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new FlagRow(
                reader.GetInt64(0),
                RecordedAt(reader, 1),
                reader.GetString(2),
                Text(reader, 3),
                Text(reader, 4),
                Text(reader, 5),
                Text(reader, 6),
                Text(reader, 7),
                !reader.IsDBNull(8) && reader.GetBoolean(8)));
        }

        return rows;
    }

    /// <summary>The records of <paramref name="seqs"/>, decoded, oldest first: for the few rows a flag needs more of than its columns.</summary>
    public async Task<IReadOnlyList<LoggedRecord>> RecordsAsync(IReadOnlyCollection<long> seqs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seqs);
        var found = new List<LoggedRecord>();
        if (seqs.Count == 0)
        {
            return found;
        }

        await using var connection = await _engine.OpenAsync(cancellationToken);
        foreach (var chunk in seqs.Distinct().Chunk(500))
        {
            await using var command = connection.CreateCommand();
            var names = new List<string>();
            for (var i = 0; i < chunk.Length; i++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"s{i}");
                AddParameter(command, name, chunk[i]);
                names.Add("@" + name);
            }

            command.CommandText = $"SELECT leaf FROM access_log WHERE seq IN ({string.Join(", ", names)})";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                found.Add(AccessRecordEncoding.Decode(reader.GetFieldValue<byte[]>(0)));
            }
        }

        return [.. found.OrderBy(r => r.Seq)];
    }

    /// <summary>
    /// How far the commit times of two records may run against their order in the log (the clocks of two hub
    /// instances, or one stepped back) and a time window still find both: the range of seq a window is read from is
    /// widened by this much on either side, and the exact times are compared within it.
    /// </summary>
    public static readonly TimeSpan ClockMargin = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The range [Lo, Hi) of seq whose records were committed within [<paramref name="from"/> − <see cref="ClockMargin"/>,
    /// <paramref name="before"/> + <see cref="ClockMargin"/>): found by binary search on the primary key, because the
    /// log commits in one order under one lock and each record's time is its commit's. About forty lookups of one row,
    /// whatever the size of the log, instead of an index on the commit time that every append would have to keep.
    /// </summary>
    public async Task<(long Lo, long Hi)> SeqWindowAsync(DbConnection connection, DateTimeOffset? from, DateTimeOffset? before, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        long size;
        await using (var head = connection.CreateCommand())
        {
            head.CommandText = "SELECT size FROM access_log_head WHERE id = 1";
            size = Convert.ToInt64(await head.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        await using var probe = connection.CreateCommand();
        probe.CommandText = "SELECT recorded_at FROM access_log WHERE seq = @seq";
        var seq = probe.CreateParameter();
        seq.ParameterName = "seq";
        probe.Parameters.Add(seq);

        async Task<long> FirstAtOrAfterAsync(DateTimeOffset at)
        {
            var (low, high) = (0L, size);
            while (low < high)
            {
                var middle = low + ((high - low) / 2);
                seq.Value = middle;
                await using var reader = await probe.ExecuteReaderAsync(cancellationToken);
                // A row not there (the head ran ahead of what this snapshot sees) counts as after.
                if (!await reader.ReadAsync(cancellationToken) || RecordedAt(reader, 0) >= at)
                {
                    high = middle;
                }
                else
                {
                    low = middle + 1;
                }
            }

            return low;
        }

        var lo = from is { } f && f > DateTimeOffset.MinValue + ClockMargin ? await FirstAtOrAfterAsync(f - ClockMargin) : 0;
        var hi = before is { } b && b < DateTimeOffset.MaxValue - ClockMargin ? await FirstAtOrAfterAsync(b + ClockMargin) : size;
        return (lo, Math.Max(lo, hi));
    }

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset RecordedAt(DbDataReader reader, int ordinal) => reader.GetFieldType(ordinal) == typeof(string)
        ? DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime()
        : reader.GetFieldValue<DateTimeOffset>(ordinal).ToUniversalTime();
}
