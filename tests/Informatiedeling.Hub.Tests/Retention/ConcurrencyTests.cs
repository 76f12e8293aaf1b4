using Informatiedeling.Cases;
using Informatiedeling.Hub.Tests.ClientFile;
using Microsoft.Extensions.Time.Testing;

namespace Informatiedeling.Hub.Tests.Retention;

/// <summary>Two hub instances on one PostgreSQL run the purge at the same moment: every case is purged once.</summary>
public sealed class ConcurrencyTests
{
    private static readonly DateTimeOffset Closed = new(2025, 1, 10, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Two_instances_purging_together_purge_each_case_once()
    {
        var connectionString = await (await Testing.PostgresServer.SharedAsync()).CreateDatabaseAsync("twopurge");
        var certificate = HubFactory.SharedCertificatePath();
        var settings = new Dictionary<string, string?> { ["AccessLog:CheckpointInterval"] = "40.00:00:00" };
        await using var first = await HubFactory.OnPostgresAsync(connectionString, settings, certificate);
        await using var second = await HubFactory.OnPostgresAsync(connectionString, settings, certificate);
        first.Clock = new FakeTimeProvider(Closed);
        second.Clock = new FakeTimeProvider(Closed);
        _ = second.Server;

        var cases = new List<CasePseudonym>();
        foreach (var chunk in Enumerable.Range(0, 160).Chunk(8))
        {
            cases.AddRange(await Task.WhenAll(chunk.Select(_ => first.ClosedCaseAsync(Closed))));
        }

        first.Clock.SetUtcNow(Closed.AddDays(731));
        second.Clock.SetUtcNow(Closed.AddDays(731));
        var runs = await Task.WhenAll(
            Task.Run(() => first.Purge().RunAsync(batch: 7)),
            Task.Run(() => second.Purge().RunAsync(batch: 7)));

        var purgedBy = runs.SelectMany(r => r.Purged).GroupBy(p => p.Case.Value, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        Assert.Equal(cases.Count, purgedBy.Count);
        Assert.All(purgedBy, p => Assert.Equal(1, p.Value));
        Assert.All(runs, r => Assert.NotEmpty(r.Purged)); // both took part, or the test proves nothing

        var records = await first.PurgeRecordsAsync();
        var state = await CaseRetentionState.ReadAsync(first);
        Assert.All(cases, c =>
        {
            Assert.Equal(1, records[c.Value]);
            Assert.Equal(1, state.Notices[c.Value]);
            Assert.Equal(Retentions.Categories.Order(StringComparer.Ordinal), state.PurgedOf(c.Value));
            Assert.Equal(Retentions.Categories.Order(StringComparer.Ordinal), state.DestroyedOf(c.Value));
            Assert.Contains(c.Value, state.AccessLogKeyDestroyed);
            Assert.Empty(state.StoredOf(c.Value));
        });
    }
}
