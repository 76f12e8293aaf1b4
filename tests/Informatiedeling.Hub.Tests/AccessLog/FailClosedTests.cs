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
        await db.RefuseAccessLogInsertsAsync(engine);
        var failures = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            Assert.ThrowsAsync<AccessLogUnavailableException>(() => log.AppendAsync(AccessLogs.Decision(), CancellationToken.None))));
        Assert.All(failures, e => Assert.Contains("must not proceed", e.Message, StringComparison.Ordinal));

        await db.AllowAccessLogInsertsAsync(engine);
        Assert.Equal(start + 5, await log.AppendAsync(AccessLogs.Decision(), CancellationToken.None));
        var verify = await hub.InfodeelAsync("verify");
        Assert.True(verify.ExitCode == 0, verify.Error);
        Assert.Contains($"verified {start + 6} records", verify.Output, StringComparison.Ordinal);
    }
}
