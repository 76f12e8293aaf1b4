using Informatiedeling.Storage.AccessLog;

namespace Informatiedeling.Hub.Tests.AccessLog;

/// <summary>A record that cannot be committed is never acknowledged, and a failed batch leaves no gap behind it.</summary>
public sealed class FailClosedTests
{
    [Theory]
    [InlineData("postgresql")]
    [InlineData("sqlite")]
    public async Task A_failed_commit_reaches_the_caller_and_the_next_record_takes_the_free_seq(string engine)
    {
        await using var hub = await AccessLogs.HubAsync(engine);
        var log = hub.Log();
        var start = await hub.SizeAsync();
        await log.AppendManyAsync(5);
        await using var db = await hub.OpenDatabaseAsync();

        // The database refuses every further row, as a full disk or a lost server would.
        await db.ExecuteAsync(engine == "postgresql"
            ? "CREATE FUNCTION refuse_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$; " +
              "CREATE TRIGGER refuse_insert BEFORE INSERT ON access_log FOR EACH ROW EXECUTE FUNCTION refuse_insert();"
            : "CREATE TRIGGER refuse_insert BEFORE INSERT ON access_log BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
        var failures = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            Assert.ThrowsAsync<AccessLogUnavailableException>(() => log.AppendAsync(AccessLogs.Decision(), CancellationToken.None))));
        Assert.All(failures, e => Assert.Contains("must not proceed", e.Message, StringComparison.Ordinal));

        await db.ExecuteAsync(engine == "postgresql" ? "DROP TRIGGER refuse_insert ON access_log;" : "DROP TRIGGER refuse_insert;");
        Assert.Equal(start + 5, await log.AppendAsync(AccessLogs.Decision(), CancellationToken.None));
        var verify = await hub.InfodeelAsync("verify");
        Assert.True(verify.ExitCode == 0, verify.Error);
        Assert.Contains($"verified {start + 6} records", verify.Output, StringComparison.Ordinal);
    }
}
