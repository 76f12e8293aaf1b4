using Informatiedeling.Storage.AccessLog;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.AccessLog;

/// <summary>
/// A batch sent in one round trip, continuing from the head its writer expects, is written only if that is still the
/// head once it holds the lock; otherwise it writes nothing, and the writer appends the records from the head as it is.
/// </summary>
public sealed class ContinuingBatchTests
{
    [Fact]
    public async Task A_batch_continuing_from_a_head_that_moved_writes_nothing_and_the_writer_appends_from_the_real_head()
    {
        await using var hub = await AccessLogs.HubAsync("postgresql");
        var store = hub.Services.GetRequiredService<AccessLogStore>();
        var log = hub.Log();
        await log.AppendManyAsync(3); // the writer now continues from the head it left
        var head = await store.ReadHeadAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow;

        // Appended behind the writer's back, as another instance would.
        var fresh = AccessLogStore.PrepareContinuing(head, [AccessLogs.Decision(), AccessLogs.Decision()], now);
        Assert.True(await store.TryCommitContinuingAsync(fresh));
        Assert.Equal(head.Size + 2, (await store.ReadHeadAsync(CancellationToken.None)).Size);

        // From the old head, or from a head of the right size whose tree is not the log's: nothing is written.
        var stale = AccessLogStore.PrepareContinuing(head, [AccessLogs.Decision()], now);
        Assert.False(await store.TryCommitContinuingAsync(stale));
        var forged = fresh.To.SubtreeRoots.ToArray();
        forged[0] ^= 1;
        Assert.False(await store.TryCommitContinuingAsync(AccessLogStore.PrepareContinuing(new LogHead(fresh.To.Size, forged), [AccessLogs.Decision()], now)));
        Assert.Equal(fresh.To, await store.ReadHeadAsync(CancellationToken.None), LogHeadComparer.Instance);
        Assert.Equal(fresh.To.Size, await RowsAsync(hub));

        // The writer expected the head its own last batch left; it finds the head moved and still appends in order.
        var acknowledged = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => log.AppendAsync(AccessLogs.Decision(), CancellationToken.None)));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => fresh.To.Size + i), acknowledged.Order());
        Assert.Equal(fresh.To.Size + 20, await hub.SizeAsync());
        var verify = await hub.InfodeelAsync("verify");
        Assert.True(verify.ExitCode == 0, verify.Error);
        Assert.Contains($"verified {fresh.To.Size + 20} records", verify.Output, StringComparison.Ordinal);
    }

    private static async Task<long> RowsAsync(HubFactory hub)
    {
        await using var db = await hub.OpenDatabaseAsync();
        await using var count = db.CreateCommand();
        count.CommandText = "SELECT count(*) FROM access_log";
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private sealed class LogHeadComparer : IEqualityComparer<LogHead>
    {
        public static readonly LogHeadComparer Instance = new();

        public bool Equals(LogHead? x, LogHead? y) => x is not null && y is not null && x.Size == y.Size && x.SubtreeRoots.AsSpan().SequenceEqual(y.SubtreeRoots);

        public int GetHashCode(LogHead obj) => obj.Size.GetHashCode();
    }
}
