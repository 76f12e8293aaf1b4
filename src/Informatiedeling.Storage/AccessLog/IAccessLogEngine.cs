using System.Data.Common;
using Informatiedeling.AccessLog.Records;

namespace Informatiedeling.Storage.AccessLog;

/// <summary>
/// What the access log's store does differently per engine, chosen once when the store is made: how a connection is
/// opened and a snapshot taken, how a batch is appended under the lock all instances share, and the few spellings
/// that differ. <see cref="PostgresAccessLog"/> and <see cref="SqliteAccessLog"/> hold every statement that is one
/// engine's own; the statements both engines take alike are the store's.
/// </summary>
internal interface IAccessLogEngine : IAsyncDisposable
{
    /// <summary>A connection, open and set up as the log needs it.</summary>
    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>A read-only snapshot of the log on <paramref name="connection"/> (one this engine opened).</summary>
    ValueTask<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// Appends <paramref name="records"/> in one transaction, under the append lock, from the head read under it, and
    /// returns the seq of the first once the commit is durable (<see cref="AccessLogStore.AppendBatchAsync"/>).
    /// </summary>
    Task<long> AppendAsync(IReadOnlyList<AccessRecord> records, DateTimeOffset recordedAt, CancellationToken cancellationToken);

    /// <summary>A time as the engine's time columns take it as a parameter.</summary>
    object Time(DateTimeOffset at);

    /// <summary>The condition that <c>case_pseudonym</c> is one of <paramref name="cases"/>; adds its parameters to <paramref name="command"/>.</summary>
    string AnyCase(DbCommand command, string[] cases);
}
