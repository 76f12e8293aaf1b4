using System.Data;
using System.Runtime.CompilerServices;
using Informatiedeling.AccessLog.Records;

namespace Informatiedeling.Storage.AccessLog;

public sealed partial class AccessLogStore
{
    /// <summary>
    /// The decisions recorded in [<paramref name="from"/>, <paramref name="before"/>), oldest first, each leaf decoded as
    /// it is read, so that a replay of a million records holds one at a time: the access decisions and the legal-hold
    /// records (whose decisions the gate takes alike), within the window's range of seq (<see cref="SeqWindowAsync"/>).
    /// Reads only: nothing is recorded about the read (the caller records its own use).
    /// </summary>
    /// <exception cref="FormatException">A stored leaf is not a record of a known encoding version.</exception>
    public async IAsyncEnumerable<LoggedRecord> StreamDecisionsAsync(
        DateTimeOffset from, DateTimeOffset before, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _engine.OpenAsync(cancellationToken);
        var (lo, hi) = await SeqWindowAsync(connection, from, before, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT leaf FROM access_log WHERE seq >= @windowLo AND seq < @windowHi AND recorded_at >= @from AND recorded_at < @before " +
            "AND event_kind IN (@decision, @hold) ORDER BY seq";
        AddParameter(command, "windowLo", lo);
        AddParameter(command, "windowHi", hi);
        AddParameter(command, "from", _engine.Time(from));
        AddParameter(command, "before", _engine.Time(before));
        AddParameter(command, "decision", AccessLogNames.Kind(AccessEventKind.AccessDecision));
        AddParameter(command, "hold", AccessLogNames.Kind(AccessEventKind.LegalHold));
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return AccessRecordEncoding.Decode(reader.GetFieldValue<byte[]>(0));
        }
    }
}
