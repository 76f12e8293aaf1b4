using System.Net;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Tests.Cases;
using Informatiedeling.Storage.AccessLog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Informatiedeling.Hub.Tests.AccessLog;

/// <summary>
/// Readiness follows the access log: an instance that refuses every request because the log cannot commit is not
/// ready, comes back by itself once the log commits again, and says so when the writer has stopped for good.
/// </summary>
public sealed class ReadinessTests
{
    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Readiness_fails_while_the_log_cannot_commit_and_recovers_without_a_restart(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var p = await hub.NewCaseAsync();
        await hub.WarmTokensAsync("zvh");
        var (status, ready) = await ReadyAsync(hub.Factory);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", ready.GetProperty("access-log").GetProperty("status").GetString());

        await using var db = await hub.Factory.OpenDatabaseAsync();
        await db.RefuseAccessLogInsertsAsync(engine);
        using (var refused = await hub.SendAsync("zvh", HttpMethod.Get, $"/cases/{p}"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        }

        // Each check tries a commit, and every one fails while the database refuses rows: the instance stays out.
        for (var i = 0; i < 3; i++)
        {
            (status, ready) = await ReadyAsync(hub.Factory);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            var check = ready.GetProperty("access-log");
            Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
            Assert.Contains("cannot commit since", check.GetProperty("description").GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain("disk full", check.GetProperty("description").GetString(), StringComparison.Ordinal);
        }

        var resumedBefore = await ResumedAsync(hub);
        await db.AllowAccessLogInsertsAsync(engine);

        // No request reaches an instance the load balancer took out: readiness itself must find the log back.
        (status, ready) = await ReadyAsync(hub.Factory);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", ready.GetProperty("access-log").GetProperty("status").GetString());
        Assert.StartsWith("access log commits again", ready.GetProperty("access-log").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(resumedBefore + 1, await ResumedAsync(hub));
        await hub.OkAsync("zvh", HttpMethod.Get, $"/cases/{p}");
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(hub.Factory)).Status);
        Assert.Equal(resumedBefore + 1, await ResumedAsync(hub));
        Assert.Contains(hub.Factory.Logs.Lines, l => l.Contains("The access log commits again", StringComparison.Ordinal));
        var verify = await hub.Factory.InfodeelAsync("verify");
        Assert.True(verify.ExitCode == 0, verify.Error);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task An_unexpected_error_in_the_writer_fails_closed_and_readiness_says_so(string engine)
    {
        var clock = new FaultingClock(DateTimeOffset.UtcNow);
        await using var hub = await CaseHub.StartAsync(engine, clock);
        var p = await hub.NewCaseAsync();
        await hub.WarmTokensAsync("zvh");
        var log = hub.Factory.Services.GetRequiredService<IAccessLog>();

        // The writer reads the clock for every batch; the one exception type its batch handlers let through ends its loop.
        clock.FailNextRead();
        var first = log.AppendAsync(AccessLogs.Decision(), CancellationToken.None);
        var stopped = await Assert.ThrowsAsync<AccessLogUnavailableException>(() => first.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("writer has stopped", stopped.Message, StringComparison.Ordinal);

        // Every later record is refused at once, requests answer 503, and nothing is left waiting.
        var later = await Assert.ThrowsAsync<AccessLogUnavailableException>(
            () => log.AppendAsync(AccessLogs.Decision(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("writer has stopped", later.Message, StringComparison.Ordinal);
        using (var refused = await hub.SendAsync("zvh", HttpMethod.Get, $"/cases/{p}"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        }

        for (var i = 0; i < 2; i++)
        {
            var (status, ready) = await ReadyAsync(hub.Factory);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            var check = ready.GetProperty("access-log");
            Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
            Assert.Equal(
                "the access-log writer stopped on an unexpected OutOfMemoryException; every request is refused until the instance is restarted",
                check.GetProperty("description").GetString());
        }

        Assert.Contains(hub.Factory.Logs.Lines, l => l.StartsWith("Critical Informatiedeling.Storage.AccessLog.AccessLogWriter The access-log writer stopped on an unexpected OutOfMemoryException", StringComparison.Ordinal));
    }

    private static async Task<(HttpStatusCode Status, JsonElement Checks)> ReadyAsync(HubFactory hub)
    {
        using var client = hub.CreateClient();
        using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, body.RootElement.GetProperty("checks").Clone());
    }

    private static async Task<int> ResumedAsync(CaseHub hub) =>
        (await hub.Factory.Services.GetRequiredService<AccessLogStore>().QueryAsync(new AccessLogQuery { Kind = AccessEventKind.LogResumed }, CancellationToken.None)).Count;

    /// <summary>The hub's clock, which throws once when told to, as memory running out in the writer's loop would.</summary>
    private sealed class FaultingClock(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private int _fail;

        public void FailNextRead() => Volatile.Write(ref _fail, 1);

        public override DateTimeOffset GetUtcNow() =>
            Interlocked.Exchange(ref _fail, 0) == 1 ? throw new OutOfMemoryException("injected") : base.GetUtcNow();
    }
}
