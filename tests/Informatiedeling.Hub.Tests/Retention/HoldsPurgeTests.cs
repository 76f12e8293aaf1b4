using System.Net;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Tests.AccessLog;
using static Informatiedeling.Hub.Tests.Retention.PrivacyOfficerTests;

namespace Informatiedeling.Hub.Tests.Retention;

/// <summary>
/// End to end on both engines: a legal hold placed over HTTP keeps the purge from a case whose periods have all
/// ended; once the hold ends, or is lifted over HTTP, the next run purges it and the partners' feed tells them.
/// </summary>
public sealed class HoldsPurgeTests
{
    public static TheoryData<string> Engines => new(AccessLogs.Engines);

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_hold_placed_over_http_postpones_the_purge_until_it_ends_or_is_lifted(string engine)
    {
        await using var hub = await HoldsHub.StartAsync(engine);
        var now = hub.Clock.GetUtcNow();
        var ends = await hub.NewCaseAsync();
        var lifted = await hub.NewCaseAsync();
        await hub.CloseAsync(ends, now.AddDays(-800));
        await hub.CloseAsync(lifted, now.AddDays(-800));
        await PlaceAsync(hub, ends, "om", "strafzaak in hoger beroep", 30);
        var toLift = await PlaceAsync(hub, lifted, "politie", "aanvullend onderzoek", 30);
        var police = await hub.TokenAsync("politie");
        var purge = hub.Hub.Purge();

        var held = await purge.RunAsync();
        Assert.Empty(held.Purged);
        Assert.Equal(2, held.Held);
        Assert.Equal(["dynamisch", "statisch"], await hub.Hub.StoredCategoriesAsync(Pseudonym(ends)));
        Assert.Empty(Seqs(await hub.JsonAsync(await hub.SendAsync(HttpMethod.Get, "/retention/purge-notices", police))));

        using (var response = await hub.SendAsync(HttpMethod.Delete, $"/cases/{lifted}/holds/{toLift}", police))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        var afterLift = await purge.RunAsync();
        Assert.Equal([lifted], afterLift.Purged.Select(p => p.Case.Value));
        Assert.Empty(await hub.Hub.StoredCategoriesAsync(Pseudonym(lifted)));
        Assert.Equal(["dynamisch", "statisch"], await hub.Hub.StoredCategoriesAsync(Pseudonym(ends)));

        // The hold ends; the token was minted before the clock moved (it is checked against the real time).
        hub.Clock.Advance(TimeSpan.FromDays(30));
        var afterEnd = await purge.RunAsync();
        Assert.Equal([ends], afterEnd.Purged.Select(p => p.Case.Value));
        Assert.Empty(await hub.Hub.StoredCategoriesAsync(Pseudonym(ends)));
        Assert.Contains("statisch", await hub.Hub.PurgedAsync(Pseudonym(ends)));

        var feed = await hub.JsonAsync(await hub.SendAsync(HttpMethod.Get, "/retention/purge-notices", police));
        Assert.Equal([lifted, ends], feed.GetProperty("notices").EnumerateArray().Select(n => n.GetProperty("case").GetString()));
    }

    private static CasePseudonym Pseudonym(string text) => CasePseudonym.TryParse(text, out var p) ? p : throw new ArgumentException(text);

    private static List<long> Seqs(System.Text.Json.JsonElement page) => [.. page.GetProperty("notices").EnumerateArray().Select(n => n.GetProperty("seq").GetInt64())];
}
