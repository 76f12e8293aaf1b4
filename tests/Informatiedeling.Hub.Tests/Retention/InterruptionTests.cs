using System.Collections.Concurrent;
using System.Diagnostics;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Tests.AccessLog;
using Informatiedeling.Hub.Tests.ClientFile;
using Informatiedeling.Protection;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Keys;
using Informatiedeling.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Informatiedeling.Hub.Tests.Retention;

/// <summary>A purge interrupted at any point leaves every case untouched or with its keys gone, and the next run completes it.</summary>
public sealed class InterruptionTests
{
    [Theory]
    [InlineData("postgresql")]
    [InlineData("sqlite")]
    public async Task A_purge_killed_with_SIGKILL_leaves_no_half_purged_case_and_the_next_run_completes_it(string engine)
    {
        await using var hub = await AccessLogs.HubAsync(engine);
        var closed = DateTimeOffset.UtcNow.AddDays(-800);
        var cases = new List<CasePseudonym>();
        foreach (var chunk in Enumerable.Range(0, 600).Chunk(8))
        {
            cases.AddRange(await Task.WhenAll(chunk.Select(_ => hub.ClosedCaseAsync(closed))));
        }

        var storage = engine == "postgresql"
            ? new[] { "--provider", "postgresql", "--connection", hub.ConnectionString, "--data", hub.DataDirectory }
            : ["--provider", "sqlite", "--data", hub.DataDirectory];
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { RepositoryPaths.Program("Informatiedeling.Cli", "infodeel"), "retention", "run", "--batch", "5", "--policies", RepositoryPaths.Policies, "--convenant", RepositoryPaths.Convenant }.Concat(storage))
        {
            start.ArgumentList.Add(arg);
        }

        var reported = new ConcurrentBag<string>();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("purged ", StringComparison.Ordinal) == true)
            {
                reported.Add(e.Data.Split(' ', 3)[1]);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (reported.Count < 40 && DateTime.UtcNow < deadline && !process.HasExited)
        {
            await Task.Delay(5);
        }

        Assert.False(process.HasExited, "the purge finished (or failed) before it was killed");
        process.Kill(); // SIGKILL: no transaction is finished, nothing is flushed
        await process.WaitForExitAsync();

        var all = Retentions.Categories.Order(StringComparer.Ordinal).ToList();
        var after = await CaseRetentionState.ReadAsync(hub);
        var untouched = 0;
        var keysGone = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pseudonym in cases.Select(c => c.Value))
        {
            var purged = after.PurgedOf(pseudonym);
            var destroyed = after.DestroyedOf(pseudonym);
            Assert.True(purged.Count == 0 || purged.SetEquals(all), $"{pseudonym}: purge recorded for {string.Join(',', purged)} only");
            Assert.True(destroyed.Count == 0 || destroyed.SetEquals(all), $"{pseudonym}: keys destroyed for {string.Join(',', destroyed)} only");

            // The last categories take the case's access-log key with them, in the same key-store transaction.
            Assert.Equal(destroyed.Count > 0, after.AccessLogKeyDestroyed.Contains(pseudonym));
            if (purged.Count > 0)
            {
                Assert.Equal(all, destroyed);
                Assert.Empty(after.StoredOf(pseudonym));
                Assert.Equal(1, after.Notices[pseudonym]);
            }
            else
            {
                Assert.Equal(all, after.StoredOf(pseudonym)); // the case database rolled back as a whole
                Assert.False(after.Notices.ContainsKey(pseudonym));
                if (destroyed.Count == 0)
                {
                    untouched++;
                }
                else
                {
                    keysGone.Add(pseudonym); // keys gone, rows not yet: unreadable now, completed below
                }
            }
        }

        Assert.All(reported, p => Assert.Equal(all, after.PurgedOf(p))); // every case it reported is durably purged
        Assert.True(untouched > 0, "the run was not interrupted: every case was purged");

        var recordsBefore = await hub.PurgeRecordsAsync();
        Assert.All(keysGone, pseudonym => Assert.Equal(1, recordsBefore.GetValueOrDefault(pseudonym))); // the record is durable before the keys go
        var begun = cases.Select(c => c.Value).Where(p => after.PurgedOf(p).Count == 0 && recordsBefore.ContainsKey(p)).ToHashSet(StringComparer.Ordinal);
        Assert.Subset(begun, keysGone.ToHashSet(StringComparer.Ordinal));
        var rerun = await hub.Purge().RunAsync(batch: 50);
        var purgedBefore = cases.Count(c => after.PurgedOf(c.Value).Count > 0);
        Assert.Equal(cases.Count - purgedBefore, rerun.Purged.Count);

        // Completed without a second record: every case whose Purge record was logged, its keys destroyed or not yet.
        Assert.Equal(begun.Order(StringComparer.Ordinal), rerun.Purged.Where(p => p.Completion).Select(p => p.Case.Value).Order(StringComparer.Ordinal));
        var done = await CaseRetentionState.ReadAsync(hub);
        var records = await hub.PurgeRecordsAsync();
        Assert.All(cases.Select(c => c.Value), pseudonym =>
        {
            Assert.Equal(all, done.PurgedOf(pseudonym));
            Assert.Equal(all, done.DestroyedOf(pseudonym));
            Assert.Contains(pseudonym, done.AccessLogKeyDestroyed);
            Assert.Empty(done.StoredOf(pseudonym));
            Assert.Equal(1, done.Notices[pseudonym]);
            Assert.True(records.GetValueOrDefault(pseudonym) == 1, $"{pseudonym} has {records.GetValueOrDefault(pseudonym)} purge records, not one");
        });
        Assert.Empty((await hub.Purge().RunAsync()).Purged);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task A_case_whose_keys_went_before_its_rows_is_completed_without_a_second_purge_record(string engine)
    {
        var closedAt = new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
        await using var hub = await AccessLogs.HubAsync(engine, new Dictionary<string, string?> { ["AccessLog:CheckpointInterval"] = "40.00:00:00" });
        hub.Clock = new FakeTimeProvider(closedAt.AddDays(100));
        var pseudonym = await hub.ClosedCaseAsync(closedAt);

        // The state a run killed between steps 3 and 4 leaves: the record logged, the keys destroyed, the rows in place.
        await hub.Log().AppendAsync(AccessRecord.Administrative(
            AccessEventKind.Purge, "retention.purge", "categories:exceptioneel,strafrechtelijk,melder-identiteit", "hub", closedAt.AddDays(100), pseudonym), CancellationToken.None);
        await hub.Services.GetRequiredService<CaseKeyRing>().DestroyManyAsync(
            [(pseudonym.Value, "exceptioneel"), (pseudonym.Value, "strafrechtelijk"), (pseudonym.Value, "melder-identiteit")], CancellationToken.None);
        Assert.All((await hub.Store().ReadAllAsync(pseudonym)).Values.Where(f => f.Category is "exceptioneel" or "strafrechtelijk" or "melder-identiteit"),
            f => Assert.Equal(FieldReadStatus.Destroyed, f.Status));
        var size = await hub.SizeAsync();

        var run = await hub.Purge().RunAsync();

        var purged = Assert.Single(run.Purged);
        Assert.True(purged.Completion);
        Assert.Equal(size, await hub.SizeAsync());
        Assert.Equal(["exceptioneel", "melder-identiteit", "strafrechtelijk"], await hub.PurgedAsync(pseudonym));
        Assert.Equal(["dynamisch", "statisch"], await hub.StoredCategoriesAsync(pseudonym));
        Assert.Equal(1, (await hub.PurgeRecordsAsync())[pseudonym.Value]);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task A_case_whose_purge_was_logged_but_whose_keys_were_not_yet_destroyed_is_completed_without_a_second_purge_record(string engine)
    {
        var closedAt = new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
        await using var hub = await AccessLogs.HubAsync(engine, new Dictionary<string, string?> { ["AccessLog:CheckpointInterval"] = "40.00:00:00" });
        hub.Clock = new FakeTimeProvider(closedAt.AddDays(100));
        var pseudonym = await hub.ClosedCaseAsync(closedAt);
        var other = await hub.ClosedCaseAsync(closedAt);

        // The state a run killed between steps 2 and 3 leaves: the record logged, the keys and rows untouched.
        await hub.Log().AppendAsync(AccessRecord.Administrative(
            AccessEventKind.Purge, "retention.purge", "categories:exceptioneel,strafrechtelijk,melder-identiteit", "hub", closedAt.AddDays(100), pseudonym), CancellationToken.None);
        Assert.All((await hub.Store().ReadAllAsync(pseudonym)).Values, f => Assert.Equal(FieldReadStatus.Ok, f.Status));
        var size = await hub.SizeAsync();

        var run = await hub.Purge().RunAsync();

        Assert.Equal(new[] { pseudonym.Value, other.Value }.Order(StringComparer.Ordinal), run.Purged.Select(p => p.Case.Value).Order(StringComparer.Ordinal));
        Assert.True(run.Purged.Single(p => p.Case == pseudonym).Completion);
        Assert.False(run.Purged.Single(p => p.Case == other).Completion);
        Assert.Equal(size + 1, await hub.SizeAsync()); // the other case's record only
        foreach (var purged in new[] { pseudonym, other })
        {
            Assert.Equal(["exceptioneel", "melder-identiteit", "strafrechtelijk"], await hub.PurgedAsync(purged));
            Assert.Equal(["dynamisch", "statisch"], await hub.StoredCategoriesAsync(purged));
            Assert.All((await hub.Store().ReadAllAsync(purged)).Values, f => Assert.Equal(FieldReadStatus.Ok, f.Status));
        }

        var records = await hub.PurgeRecordsAsync();
        Assert.Equal((1, 1), (records[pseudonym.Value], records[other.Value]));
        Assert.Empty((await hub.Purge().RunAsync()).Purged);
        Assert.Equal(size + 1, await hub.SizeAsync());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task A_rerun_logs_only_the_categories_no_earlier_purge_record_named(string engine)
    {
        var closedAt = new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
        await using var hub = await AccessLogs.HubAsync(engine, new Dictionary<string, string?> { ["AccessLog:CheckpointInterval"] = "40.00:00:00" });
        hub.Clock = new FakeTimeProvider(closedAt.AddDays(100));
        var pseudonym = await hub.ClosedCaseAsync(closedAt);

        // A run that logged the fenced categories only (exceptioneel was not yet due then) and was killed.
        await hub.Log().AppendAsync(AccessRecord.Administrative(
            AccessEventKind.Purge, "retention.purge", "categories:strafrechtelijk,melder-identiteit", "hub", closedAt.AddDays(1), pseudonym), CancellationToken.None);

        var run = await hub.Purge().RunAsync();

        Assert.False(Assert.Single(run.Purged).Completion);
        Assert.Equal(["exceptioneel", "melder-identiteit", "strafrechtelijk"], await hub.PurgedAsync(pseudonym));
        var logged = (await hub.Services.GetRequiredService<AccessLogStore>().QueryAsync(new AccessLogQuery { Case = pseudonym, Kind = AccessEventKind.Purge }, CancellationToken.None))
            .Select(r => r.Record.Subject).ToList();
        Assert.Equal(["categories:strafrechtelijk,melder-identiteit", "categories:exceptioneel"], logged);
    }

    [Fact]
    public async Task A_dump_taken_before_the_purge_and_restored_after_it_cannot_decrypt_the_purged_categories()
    {
        var server = await PostgresServer.SharedAsync();
        var certificate = HubFactory.SharedCertificatePath();
        var original = await server.CreateDatabaseAsync("purgedump");
        var keysConnection = new Npgsql.NpgsqlConnectionStringBuilder(original) { Database = new Npgsql.NpgsqlConnectionStringBuilder(original).Database + "_keys" }.ConnectionString;
        var closedAt = new DateTimeOffset(2026, 2, 1, 8, 0, 0, TimeSpan.Zero);
        var settings = new Dictionary<string, string?> { ["AccessLog:CheckpointInterval"] = "40.00:00:00" };
        var port = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var dumpFile = Path.Combine(TestRun.CreateTempSubdirectory("infodeel-dump-").FullName, "before-purge.sql");
        CasePseudonym pseudonym;
        await using (var hub = await HubFactory.OnPostgresAsync(original, settings, certificate))
        {
            hub.Clock = new FakeTimeProvider(closedAt.AddDays(100));
            pseudonym = await hub.ClosedCaseAsync(closedAt);
            Assert.All((await hub.Store().ReadAllAsync(pseudonym)).Values, f => Assert.Equal(FieldReadStatus.Ok, f.Status));

            // The backup, taken while every category was still readable.
            await File.WriteAllTextAsync(dumpFile, await server.ToolAsync("pg_dump", "-h", "127.0.0.1", "-p", port, "-U", "postgres", new Npgsql.NpgsqlConnectionStringBuilder(original).Database!));
            Assert.Single((await hub.Purge().RunAsync()).Purged);
        }

        var restored = await server.CreateDatabaseAsync("purgerestored");
        await server.ToolAsync("psql", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-d", new Npgsql.NpgsqlConnectionStringBuilder(restored).Database!, "-f", dumpFile);
        var fresh = await HubFactory.OnPostgresAsync(restored, new Dictionary<string, string?>(settings) { ["ConnectionStrings:Keys"] = keysConnection }, certificate);
        await using (fresh)
        {
            var read = await fresh.Store().ReadAllAsync(pseudonym);

            // The restored ciphertexts are all there again, but the keys of the purged categories are not.
            Assert.Equal(Retentions.Categories.Order(StringComparer.Ordinal), read.Values.Select(f => f.Category).Distinct().Order(StringComparer.Ordinal));
            Assert.All(read.Values.Where(f => f.Category is "exceptioneel" or "strafrechtelijk" or "melder-identiteit"), f =>
            {
                Assert.Equal(FieldReadStatus.Destroyed, f.Status);
                Assert.Null(f.Value);
            });
            Assert.All(read.Values.Where(f => f.Category is "statisch" or "dynamisch"), f => Assert.Equal(FieldReadStatus.Ok, f.Status));
        }
    }
}
