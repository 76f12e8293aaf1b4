using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Tests.AccessLog;
using Informatiedeling.Hub.Tests.ClientFile;
using Informatiedeling.Protection;
using Informatiedeling.Storage;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Informatiedeling.Hub.Tests.Retention;

/// <summary>Closure, then each category disappears when its period ends and not before; holds postpone; once only.</summary>
public sealed class PurgeTests
{
    private static readonly DateTimeOffset Closed = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);

    private static async Task<HubFactory> HubAsync(string engine, FakeTimeProvider clock)
    {
        // Checkpoints on the fake clock would be due many times over with every jump of months.
        var hub = await AccessLogs.HubAsync(engine, new Dictionary<string, string?> { ["AccessLog:CheckpointInterval"] = "40.00:00:00" });
        hub.Clock = clock;
        return hub;
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Nothing_is_purged_before_its_period_and_each_category_goes_when_it_ends(string engine)
    {
        var clock = new FakeTimeProvider(Closed.AddDays(-3));
        await using var hub = await HubAsync(engine, clock);
        var marker = ClientFiles.NewMarker();
        var closed = await hub.ClosedCaseAsync(Closed, marker);
        var open = await hub.Store().CreateAsync("melding", null, ClientFiles.SampleFields(ClientFiles.NewMarker()), CancellationToken.None);
        var purge = hub.Purge();

        // Before closure the case is open in the hub's eyes as far as time goes: nothing is due.
        Assert.Empty((await purge.RunAsync()).Purged);
        Assert.Equal(Retentions.Categories.Order(StringComparer.Ordinal), await hub.StoredCategoriesAsync(closed));

        clock.SetUtcNow(Closed.AddMinutes(1)); // the 0-day categories end at closure
        var first = await purge.RunAsync();
        Assert.Equal(closed, Assert.Single(first.Purged).Case);
        Assert.Equal(["melder-identiteit", "strafrechtelijk"], await hub.PurgedAsync(closed));
        Assert.Equal(["dynamisch", "exceptioneel", "statisch"], await hub.StoredCategoriesAsync(closed));

        clock.SetUtcNow(Closed.AddDays(90).AddSeconds(-1));
        Assert.Empty((await purge.RunAsync()).Purged);
        Assert.Equal(["dynamisch", "exceptioneel", "statisch"], await hub.StoredCategoriesAsync(closed));
        var read = await hub.Store().ReadAllAsync(closed);
        Assert.Equal($"{marker}-verslaving", read["tweede-weging.verslaving"].Value);

        clock.SetUtcNow(Closed.AddDays(90));
        Assert.Equal(["exceptioneel"], Assert.Single((await purge.RunAsync()).Purged).Categories.Select(c => c.Category));
        Assert.Equal(["dynamisch", "statisch"], await hub.StoredCategoriesAsync(closed));

        clock.SetUtcNow(Closed.AddDays(730).AddSeconds(-1));
        Assert.Empty((await purge.RunAsync()).Purged);
        Assert.Equal($"{marker}-adres", (await hub.Store().ReadAllAsync(closed))["persoon.adres"].Value);

        clock.SetUtcNow(Closed.AddDays(730));
        var last = Assert.Single((await purge.RunAsync()).Purged);
        Assert.Equal(["statisch", "dynamisch"], last.Categories.Select(c => c.Category));
        Assert.Equal(["bewaar-statisch", "bewaar-dynamisch"], last.Categories.Select(c => c.Rule));
        Assert.Empty(await hub.StoredCategoriesAsync(closed));
        Assert.Equal(Retentions.Categories.Order(StringComparer.Ordinal), await hub.PurgedAsync(closed));

        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var row = await db.Cases.SingleAsync(c => c.Pseudonym == closed.Value);
        Assert.Null(row.BlindIndex); // derived from name and date of birth: gone with statisch
        Assert.Equal("closed", row.Status);
        Assert.Equal("doel-bereikt", row.ClosureReason);
        Assert.Null(await hub.Store().FindOpenCaseAsync(new Storage.Cases.PersonKey($"{marker} Persoon", new DateOnly(1990, 1, 1)), CancellationToken.None));
        var purges = await db.CasePurges.Where(p => p.Case == closed.Value).ToListAsync();
        Assert.Equal("8.4", purges.Single(p => p.Category == "statisch").Article);
        // After the last categories, the case keeps its dates to the day only.
        Assert.Equal(new DateTimeOffset(Closed.AddDays(90).UtcDateTime.Date, TimeSpan.Zero), purges.Single(p => p.Category == "exceptioneel").PurgedAt);
        Assert.Equal(3, await db.PurgeNotices.CountAsync(n => n.Case == closed.Value));
        var notice = await db.PurgeNotices.OrderByDescending(n => n.Seq).FirstAsync();
        Assert.Equal(("statisch,dynamisch", "bewaar-statisch,bewaar-dynamisch", "8.4,8.4"), (notice.Categories, notice.Rules, notice.Articles));

        // The keys are gone from the key store, not only the rows.
        var keys = scope.ServiceProvider.GetRequiredService<IDbContextFactory<KeyStoreDbContext>>();
        await using (var keyDb = await keys.CreateDbContextAsync())
        {
            // The case's access-log key (emergency justifications, legal-hold reasons) goes with its last categories.
            Assert.Empty(await keyDb.CaseKeys.Where(k => k.Case == closed.Value).ToListAsync());
            Assert.Equal(6, await keyDb.DestroyedKeys.CountAsync(k => k.Case == closed.Value));
            Assert.Equal(1, await keyDb.DestroyedKeys.CountAsync(k => k.Case == closed.Value && k.Category == AccessLogJustifications.KeyCategory));
        }

        // The open case is untouched however late it gets.
        clock.SetUtcNow(Closed.AddDays(5000));
        Assert.Empty((await purge.RunAsync()).Purged);
        Assert.All((await hub.Store().ReadAllAsync(open)).Values, f => Assert.Equal(FieldReadStatus.Ok, f.Status));
        Assert.Equal(3, (await hub.PurgeRecordsAsync())[closed.Value]);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task A_legal_hold_postpones_the_purge_until_it_ends_and_a_lifted_one_does_not(string engine)
    {
        var clock = new FakeTimeProvider(Closed);
        await using var hub = await HubAsync(engine, clock);
        var held = await hub.ClosedCaseAsync(Closed);
        var lifted = await hub.ClosedCaseAsync(Closed);
        await hub.HoldAsync(held, Closed, Closed.AddDays(800));
        await hub.HoldAsync(lifted, Closed, Closed.AddDays(800), liftedAt: Closed.AddMinutes(1));
        var purge = hub.Purge();

        clock.SetUtcNow(Closed.AddDays(731));
        var run = await purge.RunAsync();
        Assert.Equal(lifted, Assert.Single(run.Purged).Case);
        Assert.Equal(1, run.Held);
        Assert.Empty(await hub.PurgedAsync(held));
        Assert.Equal(Retentions.Categories.Order(StringComparer.Ordinal), await hub.StoredCategoriesAsync(held));
        var (due, holds) = await purge.PlanAsync(CancellationToken.None);
        Assert.Empty(due);
        Assert.Equal(1, holds);

        clock.SetUtcNow(Closed.AddDays(800));
        Assert.Equal(held, Assert.Single((await purge.RunAsync()).Purged).Case);
        Assert.Equal(Retentions.Categories.Order(StringComparer.Ordinal), await hub.PurgedAsync(held));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task A_second_run_destroys_nothing_and_logs_nothing(string engine)
    {
        var clock = new FakeTimeProvider(Closed.AddDays(100));
        await using var hub = await HubAsync(engine, clock);
        var cases = new[] { await hub.ClosedCaseAsync(Closed), await hub.ClosedCaseAsync(Closed), await hub.ClosedCaseAsync(Closed) };
        var purge = hub.Purge();

        var first = await purge.RunAsync(batch: 2);
        var logSize = await hub.SizeAsync();
        await using var connection = await hub.OpenDatabaseAsync();
        var notices = await connection.ScalarAsync("SELECT COUNT(*) FROM purge_notices");
        var second = await purge.RunAsync(batch: 2);

        Assert.Equal(3, first.Purged.Count);
        Assert.All(first.Purged, p => Assert.Equal(["exceptioneel", "strafrechtelijk", "melder-identiteit"], p.Categories.Select(c => c.Category)));
        Assert.Empty(second.Purged);
        Assert.Equal(logSize, await hub.SizeAsync());
        Assert.Equal(3, notices);
        Assert.Equal(notices, await connection.ScalarAsync("SELECT COUNT(*) FROM purge_notices"));
        var records = await hub.PurgeRecordsAsync();
        Assert.All(cases, c => Assert.Equal(1, records[c.Value]));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task The_purge_record_is_in_the_access_log_before_anything_is_destroyed_and_names_rule_and_article(string engine)
    {
        var clock = new FakeTimeProvider(Closed.AddDays(1));
        await using var hub = await HubAsync(engine, clock);
        var pseudonym = await hub.ClosedCaseAsync(Closed);

        await hub.Purge().RunAsync();

        var records = await hub.Log().ReadAsync(
            new AccessLogQuery { Case = pseudonym, Kind = AccessEventKind.Purge }, new LogReader("privacy-officer", null, "privacy-officer", null), CancellationToken.None);
        var record = Assert.Single(records).Record;
        Assert.Equal("retention.purge", record.Operation);
        Assert.Equal("categories:strafrechtelijk,melder-identiteit", record.Subject);
        Assert.Equal("bewaar-strafrechtelijk,bewaar-melder-identiteit", record.Rule);
        Assert.Equal("8.2", record.Article);
        Assert.Equal(Closed.AddDays(1), record.OccurredAt);
    }
}
