extern alias infodeel;
using System.Net;
using System.Net.Http.Json;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Retention;
using Informatiedeling.Hub.Tests.AccessLog;
using Informatiedeling.Testing;
using InfodeelApp = infodeel::Informatiedeling.Cli.InfodeelApp;

namespace Informatiedeling.Hub.Tests.Retention;

/// <summary>
/// A legal hold and the purge are compared on one clock, the database's, whatever the clocks of the hosts that place
/// the hold and run the purge say: a hold placed by a hub whose clock runs days ahead still holds against
/// <c>infodeel retention run</c> on the real time. The hold's end is a date on the calendar the retention periods run on.
/// </summary>
public sealed class HoldClockTests
{
    public static TheoryData<string> Engines => new(AccessLogs.Engines);

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_hold_placed_on_a_clock_running_ahead_holds_against_a_purge_on_a_clock_running_behind(string engine)
    {
        await using var hub = await HoldsHub.StartAsync(engine);
        var real = hub.Clock.GetUtcNow();
        var pseudonym = await hub.NewCaseAsync();
        await hub.CloseAsync(pseudonym, real.AddDays(-800));
        var om = await hub.TokenAsync("om"); // minted on the real time: tokens are checked against it

        // The placing host's clock runs three days ahead.
        hub.Clock.SetUtcNow(real.AddDays(3));
        var until = real.AddDays(3 + 30);
        var before = DateTimeOffset.UtcNow;
        LegalHoldPlaced placed;
        using (var response = await hub.SendAsync(HttpMethod.Post, $"/cases/{pseudonym}/holds", om, new LegalHoldRequest("strafzaak loopt", until)))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            placed = (await response.Content.ReadFromJsonAsync<LegalHoldPlaced>())!;
        }

        // The purge runs on another host, on the real time, three days behind the host that placed the hold: the
        // hold placed a moment ago holds.
        var run = await RetentionRunAsync(hub.Hub);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("0 case(s) purged, 0 category purge(s); 1 case(s) held", run.Output, StringComparison.Ordinal);
        Assert.Equal(["dynamisch", "statisch"], await hub.Hub.StoredCategoriesAsync(Pseudonym(pseudonym)));
        Assert.Empty(await hub.Hub.PurgedAsync(Pseudonym(pseudonym)));

        // Placed at the database's time, not the host's (the database runs on this machine's clock).
        var stored = Assert.Single(await hub.HoldsAsync());
        Assert.InRange(stored.PlacedAt, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(stored.PlacedAt, placed.PlacedAt);

        // Its end is a date on the calendar: once the calendar of the host that purges is past it, the case is purged.
        hub.Clock.SetUtcNow(until);
        Assert.Equal(pseudonym, Assert.Single((await hub.Hub.Purge().RunAsync()).Purged).Case.Value);
    }

    private static async Task<ProgramResult> RetentionRunAsync(HubFactory hub)
    {
        var storage = hub.ConnectionString.Length > 0
            ? new[] { "--provider", "postgresql", "--connection", hub.ConnectionString, "--data", hub.DataDirectory }
            : ["--provider", "sqlite", "--data", hub.DataDirectory];
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await InfodeelApp.RunAsync(
            ["retention", "run", "--policies", RepositoryPaths.Policies, "--convenant", RepositoryPaths.Convenant, .. storage], TextReader.Null, output, error);
        return new ProgramResult(exit, output.ToString(), error.ToString());
    }

    private static CasePseudonym Pseudonym(string text) => CasePseudonym.TryParse(text, out var p) ? p : throw new ArgumentException(text);
}
