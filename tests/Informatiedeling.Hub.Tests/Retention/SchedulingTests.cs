using Informatiedeling.Cases;
using Informatiedeling.Hub.Tests.AccessLog;
using Informatiedeling.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Informatiedeling.Hub.Tests.Retention;

/// <summary>The purge as a scheduled Quartz.NET job in the hub's own database, on both engines, clustered.</summary>
public sealed class SchedulingTests
{
    private static readonly DateTimeOffset Closed = new(2024, 9, 1, 9, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, string?> Scheduled() => new()
    {
        ["Retention:Enabled"] = "true",
        ["Retention:Schedule"] = "0/1 * * * * ?", // every second, so that the test need not wait an hour
        ["Retention:TimeZone"] = "UTC",
        ["AccessLog:CheckpointInterval"] = "40.00:00:00",
    };

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task The_scheduled_job_purges_a_case_whose_period_ended(string engine)
    {
        await using var hub = await AccessLogs.HubAsync(engine, Scheduled());
        hub.Clock = new FakeTimeProvider(Closed.AddDays(-1));
        var pseudonym = await hub.ClosedCaseAsync(Closed);

        // Before the period ends the job runs and finds nothing to do.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Empty(await hub.PurgedAsync(pseudonym));

        hub.Clock.SetUtcNow(Closed.AddDays(731));
        await WaitUntilAsync(async () => (await hub.PurgedAsync(pseudonym)).Count == 5, hub);

        Assert.Equal(Retentions.Categories.Order(StringComparer.Ordinal), await hub.PurgedAsync(pseudonym));
        Assert.Empty(await hub.StoredCategoriesAsync(pseudonym));
        if (engine == "postgresql")
        {
            await using var connection = await hub.OpenDatabaseAsync();
            Assert.Equal(1, await connection.ScalarAsync("SELECT COUNT(*) FROM qrtz_triggers WHERE trigger_name = 'retention-schedule'"));
        }
    }

    [Fact]
    public async Task Two_instances_on_one_postgresql_share_one_clustered_schedule_and_purge_each_case_once()
    {
        var connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("cluster");
        var certificate = HubFactory.SharedCertificatePath();
        await using var first = await HubFactory.OnPostgresAsync(connectionString, Scheduled(), certificate);
        await using var second = await HubFactory.OnPostgresAsync(connectionString, Scheduled(), certificate);
        first.Clock = new FakeTimeProvider(Closed.AddDays(-1));
        second.Clock = new FakeTimeProvider(Closed.AddDays(-1));
        _ = second.Server;
        var cases = new List<CasePseudonym>();
        foreach (var chunk in Enumerable.Range(0, 40).Chunk(8))
        {
            cases.AddRange(await Task.WhenAll(chunk.Select(_ => first.ClosedCaseAsync(Closed))));
        }

        first.Clock.SetUtcNow(Closed.AddDays(731));
        second.Clock.SetUtcNow(Closed.AddDays(731));
        await WaitUntilAsync(async () => (await CaseRetentionState.ReadAsync(first)).Notices.Count == cases.Count, first);
        await Task.Delay(TimeSpan.FromSeconds(3)); // more runs of the schedule, on either instance

        await using var connection = await first.OpenDatabaseAsync();
        Assert.Equal(2, await connection.ScalarAsync("SELECT COUNT(*) FROM qrtz_scheduler_state WHERE sched_name = 'informatiedeling'"));
        var records = await first.PurgeRecordsAsync();
        var state = await CaseRetentionState.ReadAsync(first);
        Assert.All(cases, c =>
        {
            Assert.Equal(1, records[c.Value]);
            Assert.Equal(1, state.Notices[c.Value]);
            Assert.Equal(Retentions.Categories.Order(StringComparer.Ordinal), state.PurgedOf(c.Value));
        });
    }

    [Fact]
    public async Task A_schedule_that_is_not_a_cron_expression_stops_start_up_with_one_line()
    {
        var work = Directory.CreateTempSubdirectory("infodeel-start-").FullName;
        var result = await ProgramRun.RunAsync(RepositoryPaths.Program("Informatiedeling.Hub", "Informatiedeling.Hub"), [], new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Storage__DataDirectory"] = Path.Combine(work, "data"),
            ["Policy__Directory"] = RepositoryPaths.Policies,
            ["Policy__Convenant"] = RepositoryPaths.Convenant,
            ["Retention__Schedule"] = "every hour",
        }, work, timeout: TimeSpan.FromSeconds(90));

        Assert.Equal(2, result.ExitCode);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, result.Error);
        Assert.StartsWith("Informatiedeling cannot start: Retention:Schedule 'every hour' is not a cron expression", lines[0], StringComparison.Ordinal);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, HubFactory hub)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the scheduled purge did not run within a minute:\n" +
                string.Join('\n', hub.Logs.Lines.Where(l => l.StartsWith("Warning", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal) || l.Contains("Retention run", StringComparison.Ordinal)).TakeLast(60)));
            await Task.Delay(250);
        }
    }
}
