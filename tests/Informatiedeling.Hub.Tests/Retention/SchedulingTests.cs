using Informatiedeling.Cases;
using Informatiedeling.Hub.Tests.AccessLog;
using Informatiedeling.Testing;

namespace Informatiedeling.Hub.Tests.Retention;

/// <summary>The purge as a scheduled Quartz.NET job in the hub's own database, on both engines, clustered.</summary>
public sealed class SchedulingTests
{
    private static Dictionary<string, string?> Scheduled() => new()
    {
        ["Retention:Enabled"] = "true",
        ["Retention:Schedule"] = "0/1 * * * * ?", // every second, so that the test need not wait an hour
        ["Retention:TimeZone"] = "UTC",
        ["AccessLog:CheckpointInterval"] = "40.00:00:00",
    };

    // These run on the wall clock: Quartz computes fire times with the service provider's TimeProvider, so a fake
    // clock would put the trigger's next fire time in the fake past.
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task The_scheduled_job_purges_what_is_due_and_keeps_what_is_not(string engine)
    {
        await using var hub = await AccessLogs.HubAsync(engine, Scheduled());
        var now = DateTimeOffset.UtcNow;
        var expired = await hub.ClosedCaseAsync(now.AddDays(-731));
        var recent = await hub.ClosedCaseAsync(now.AddDays(-10));

        await WaitUntilAsync(async () => (await hub.PurgedAsync(expired)).Count == 5 && (await hub.PurgedAsync(recent)).Count == 2, hub);
        await Task.Delay(TimeSpan.FromSeconds(3)); // more runs of the schedule change nothing

        Assert.Equal(Retentions.Categories.Order(StringComparer.Ordinal), await hub.PurgedAsync(expired));
        Assert.Empty(await hub.StoredCategoriesAsync(expired));
        Assert.Equal(["melder-identiteit", "strafrechtelijk"], await hub.PurgedAsync(recent));
        Assert.Equal(["dynamisch", "exceptioneel", "statisch"], await hub.StoredCategoriesAsync(recent));
        var records = await hub.PurgeRecordsAsync();
        Assert.Equal(1, records[expired.Value]);
        Assert.Equal(1, records[recent.Value]);
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
        _ = second.Server;
        var closedAt = DateTimeOffset.UtcNow.AddDays(-731);
        var cases = new List<CasePseudonym>();
        foreach (var chunk in Enumerable.Range(0, 40).Chunk(8))
        {
            cases.AddRange(await Task.WhenAll(chunk.Select(_ => first.ClosedCaseAsync(closedAt))));
        }

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
        var work = TestRun.CreateTempSubdirectory("infodeel-start-").FullName;
        var secrets = HubSecrets.WriteTo(Path.Combine(work, "secrets"));
        var result = await ProgramRun.RunAsync(RepositoryPaths.Program("Informatiedeling.Hub", "Informatiedeling.Hub"), [], new Dictionary<string, string>
        {
            ["Keys__CertificatePath"] = secrets.CertificatePath,
            ["AccessLog__SigningKeyPath"] = secrets.SigningKeyPath,
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
                string.Join('\n', hub.Logs.Lines.Where(l => (l.StartsWith("Warning", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal) || l.Contains("Retention run", StringComparison.Ordinal)) && !l.Contains("EFMigrationsHistory", StringComparison.Ordinal)).TakeLast(60)));
            await Task.Delay(250);
        }
    }
}
