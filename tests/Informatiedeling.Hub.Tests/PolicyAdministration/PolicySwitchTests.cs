using System.Diagnostics;
using System.Net;
using Informatiedeling.Hub.Tests.Cases;
using Informatiedeling.Policy;
using Informatiedeling.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Informatiedeling.Hub.Tests.PolicyAdministration.PolicyProposalTests;

namespace Informatiedeling.Hub.Tests.PolicyAdministration;

/// <summary>
/// One set in force for every instance: two instances on one PostgreSQL decide under the same version, switch together
/// within seconds of an activation (at once, or at its set moment), and record it in each decision.
/// </summary>
public sealed class PolicySwitchTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Two_instances_on_one_postgresql_switch_together_at_once_and_at_a_set_moment()
    {
        var connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("switch");
        var certificate = HubFactory.SharedCertificatePath();
        var settings = CaseHub.WithDevelopmentIssuer(new Dictionary<string, string?> { ["Policy:SyncInterval"] = "00:00:00.250" });
        await using var first = CaseHub.On(await HubFactory.OnPostgresAsync(connectionString, settings, certificate, environment: "Development"));
        await using var second = CaseHub.On(await HubFactory.OnPostgresAsync(connectionString, settings, certificate, environment: "Development"));
        var original = await ActiveHashAsync(first);
        Assert.Equal(original, await ActiveHashAsync(second));

        // At once: proposed, approved and activated on the first; the second follows within its sync interval.
        var activated = await ThroughAsync(first, Shorter());
        var version = activated.GetProperty("proposal").GetProperty("contentHash").GetString()!;
        Assert.Equal(version, first.Factory.Services.GetRequiredService<PolicyHolder>().Current.Set.ContentHash);
        var waited = await WaitForAsync(second, version);
        Assert.True(waited < TimeSpan.FromSeconds(3), $"the second instance switched after {waited}");
        var pseudonym = await second.NewCaseAsync();
        await second.OkAsync("veilig-thuis", HttpMethod.Get, $"/cases/{pseudonym}/data?purpose=signalering-en-weging");
        Assert.Equal(version, (await second.LogAsync(r => r.Operation == "case.read")).Last().Record.PolicySetHash);

        // At a set moment: scheduled a few seconds ahead, in force on both from then on, and not before.
        var proposed = await JsonOf(await AsAdmin(first, HttpMethod.Post, "/policy/proposals", new { title = "Terug", from = original }), HttpStatusCode.Created);
        var id = proposed.GetProperty("proposal").GetProperty("id").GetInt64();
        await JsonOf(await AsAdmin(first, HttpMethod.Post, $"/policy/proposals/{id}/impact"), HttpStatusCode.OK);
        await JsonOf(await AsOfficer(first, HttpMethod.Post, $"/policy/proposals/{id}/approval", new { revision = 1, acknowledgeWidening = true }), HttpStatusCode.OK);
        var at = DateTimeOffset.UtcNow.AddSeconds(4);
        var scheduled = await JsonOf(await AsOfficer(first, HttpMethod.Post, $"/policy/proposals/{id}/activation", new { revision = 1, at = at.ToString("O") }), HttpStatusCode.OK);
        Assert.Equal("scheduled", scheduled.GetProperty("proposal").GetProperty("status").GetString());
        var active = await first.OkAsync("politie", HttpMethod.Get, "/policy/active");
        Assert.Equal((version, original), (active.GetProperty("contentHash").GetString(), active.GetProperty("scheduled").GetProperty("contentHash").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, (await AsAdmin(first, HttpMethod.Post, "/policy/proposals/" + id + "/activation", new { revision = 1 })).StatusCode);

        await WaitForAsync(first, original);
        await WaitForAsync(second, original);
        Assert.True(DateTimeOffset.UtcNow >= at, "switched before the set moment");
        Assert.Equal("activated", await WaitForStatusAsync(first, id));
    }

    private static async Task<TimeSpan> WaitForAsync(CaseHub hub, string version)
    {
        var watch = Stopwatch.StartNew();
        while (hub.Factory.Services.GetRequiredService<PolicyHolder>().Current.Set.ContentHash != version || await ActiveHashAsync(hub) != version)
        {
            Assert.True(watch.Elapsed < Patience, $"not in force within {Patience}");
            await Task.Delay(50);
        }

        return watch.Elapsed;
    }

    private static async Task<string> WaitForStatusAsync(CaseHub hub, long id)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var status = (await JsonOf(await AsAdmin(hub, HttpMethod.Get, $"/policy/proposals/{id}"), HttpStatusCode.OK)).GetProperty("proposal").GetProperty("status").GetString()!;
            if (status != "scheduled" || watch.Elapsed > Patience)
            {
                return status;
            }

            await Task.Delay(100);
        }
    }
}
