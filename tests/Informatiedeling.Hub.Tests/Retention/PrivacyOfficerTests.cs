using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Hub.Retention;
using Informatiedeling.Hub.Tests.AccessLog;
using Informatiedeling.Testing;
using static Informatiedeling.Hub.Tests.Hosting.ProblemDetailsTests;

namespace Informatiedeling.Hub.Tests.Retention;

/// <summary>
/// The privacy officer: a function claim only the issuers configured for it may assert, the active holds with their
/// reasons for the privacy officer alone (403 problem details, logged, for everyone else), every read in the access log.
/// </summary>
public sealed class PrivacyOfficerTests
{
    public static TheoryData<string> Engines => new(AccessLogs.Engines);

    [Fact]
    public async Task The_development_issuer_mints_the_privacy_officer_and_no_other_function()
    {
        await using var hub = await HoldsHub.StartAsync("sqlite");

        var officer = await hub.JsonAsync(await hub.SendAsync(HttpMethod.Get, "/me", await hub.PrivacyOfficerAsync()));
        Assert.Equal(("zvh", "zvh-user", "privacy-officer"), (officer.GetProperty("partner").GetString(), officer.GetProperty("user").GetString(), officer.GetProperty("function").GetString()));
        var plain = await hub.JsonAsync(await hub.SendAsync(HttpMethod.Get, "/me", await hub.TokenAsync("zvh")));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, plain.GetProperty("function").ValueKind);

        using var unknown = await hub.Client.PostAsJsonAsync("/dev/token", new DevelopmentTokenRequest("zvh", "x", "beheerder"));
        await AssertProblemAsync(unknown, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Only_an_issuer_configured_for_it_makes_a_user_the_privacy_officer_in_the_claim_named_for_it()
    {
        var officer = new OidcTestUser("zvh-fg", "zvh", "privacy-officer");
        var colleague = new OidcTestUser("zvh-medewerker", "zvh");
        var pretender = new OidcTestUser("politie-fg", "politie", "privacy-officer");
        var ownOfficer = new OidcTestUser("politie-eigen-fg", "politie", "partner-privacy-officer");
        await using var zvh = await OidcProviderServer.StartAsync([officer, colleague], functionClaim: "functie");
        await using var police = await OidcProviderServer.StartAsync([pretender, ownOfficer], functionClaim: "function");
        await using var hub = HubFactory.OnSqlite(new Dictionary<string, string?>
        {
            ["Authentication:Issuers:0:Name"] = "zvh",
            ["Authentication:Issuers:0:Issuer"] = zvh.Issuer,
            ["Authentication:Issuers:0:Audience"] = OidcProviderServer.Audience,
            ["Authentication:Issuers:0:Partners:0"] = "zvh",
            ["Authentication:Issuers:0:RequireHttpsMetadata"] = "false",
            ["Authentication:Issuers:0:FunctionClaim"] = "functie",
            ["Authentication:Issuers:0:PrivacyOfficerFunction"] = "privacy-officer",
            ["Authentication:Issuers:1:Name"] = "politie",
            ["Authentication:Issuers:1:Issuer"] = police.Issuer,
            ["Authentication:Issuers:1:Audience"] = OidcProviderServer.Audience,
            ["Authentication:Issuers:1:Partners:0"] = "politie",
            ["Authentication:Issuers:1:RequireHttpsMetadata"] = "false",
            // The police provider asserts functions, but only its own privacy officer's: the hub's is off by default.
            ["Authentication:Issuers:1:FunctionClaim"] = "function",
        });
        using var client = hub.CreateClient();

        async Task<HttpResponseMessage> GetAsync(string path, string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return await client.SendAsync(request);
        }

        var officerToken = await zvh.TokenAsync(officer);
        Assert.Equal("privacy-officer", (await (await GetAsync("/me", officerToken)).Content.ReadFromJsonAsync<WhoAmI>())!.Function);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/retention/holds", officerToken)).StatusCode);

        // The colleague has no function; the police provider may not assert the hub's privacy officer, whatever its token says.
        await AssertProblemAsync(await GetAsync("/retention/holds", await zvh.TokenAsync(colleague)), HttpStatusCode.Forbidden);
        var pretenderToken = await police.TokenAsync(pretender);
        Assert.Null((await (await GetAsync("/me", pretenderToken)).Content.ReadFromJsonAsync<WhoAmI>())!.Function);
        await AssertProblemAsync(await GetAsync("/retention/holds", pretenderToken), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await GetAsync("/access-log/records", pretenderToken), HttpStatusCode.Forbidden);

        // Its own privacy officer reviews the police's employees, and only that.
        var ownToken = await police.TokenAsync(ownOfficer);
        Assert.Equal("partner-privacy-officer", (await (await GetAsync("/me", ownToken)).Content.ReadFromJsonAsync<WhoAmI>())!.Function);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/access-log/records", ownToken)).StatusCode);
        await AssertProblemAsync(await GetAsync("/access-log/records?partner=zvh", ownToken), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await GetAsync("/retention/holds", ownToken), HttpStatusCode.Forbidden);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task The_privacy_officer_sees_active_holds_with_their_reasons_and_every_read_is_logged(string engine)
    {
        await using var hub = await HoldsHub.StartAsync(engine);
        var first = await hub.NewCaseAsync();
        var second = await hub.NewCaseAsync();
        await hub.CloseAsync(first, hub.Clock.GetUtcNow().AddDays(-3));
        var longHold = await PlaceAsync(hub, first, "om", "strafzaak tegen A.", 300);
        var shortHold = await PlaceAsync(hub, second, "politie", "lopend onderzoek B.", 1);
        var officer = await hub.PrivacyOfficerAsync();

        var view = await hub.JsonAsync(await hub.SendAsync(HttpMethod.Get, "/retention/holds", officer));
        var holds = view.GetProperty("holds").EnumerateArray().ToList();
        Assert.Equal([shortHold, longHold], holds.Select(h => h.GetProperty("id").GetGuid()));
        Assert.Equal(
            (second, "politie", "politie-user", "lopend onderzoek B."),
            (holds[0].GetProperty("case").GetString(), holds[0].GetProperty("placedByPartner").GetString(), holds[0].GetProperty("placedByUser").GetString(), holds[0].GetProperty("reason").GetString()));
        Assert.Equal("strafzaak tegen A.", holds[1].GetProperty("reason").GetString());

        var reads = await hub.LogAsync(r => r.Operation == PrivacyOfficerBroker.Holds.Operation);
        Assert.Equal(2, reads.Count);
        Assert.All(reads, r => Assert.Equal((AccessEventKind.LegalHold, AccessDecision.Permit, "privacy-officer", "zvh-user"), (r.Kind, r.Decision, r.Role, r.ActorUser)));
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), reads.Select(r => r.Case!.Value.Value).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { longHold, shortHold }.Select(h => h.ToString("N")).Order(StringComparer.Ordinal), reads.Select(r => r.Subject!).Order(StringComparer.Ordinal));

        // Two days on (the token was minted before), the short hold has ended and is no longer listed.
        hub.Clock.Advance(TimeSpan.FromDays(2));
        var later = await hub.JsonAsync(await hub.SendAsync(HttpMethod.Get, "/retention/holds", officer));
        Assert.Equal([longHold], later.GetProperty("holds").EnumerateArray().Select(h => h.GetProperty("id").GetGuid()));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task The_privacy_officer_sees_when_each_category_of_a_closed_case_will_be_purged_and_which_hold_postpones_it(string engine)
    {
        await using var hub = await HoldsHub.StartAsync(engine);
        var now = hub.Clock.GetUtcNow();
        var recent = await hub.NewCaseAsync();
        var held = await hub.NewCaseAsync();
        var open = await hub.NewCaseAsync();
        await hub.CloseAsync(recent, now.AddDays(-10));
        await hub.CloseAsync(held, now.AddDays(-100));
        await PlaceAsync(hub, held, "om", "strafzaak loopt", 200);
        await using (var db = await hub.Database.CreateDbContextAsync())
        {
            // Test data: what a purge at closure leaves behind for the fenced categories of the recent case.
            db.CasePurges.Add(new Storage.Retention.CasePurgeRow { Case = recent, Category = "strafrechtelijk", PurgedAt = now.AddDays(-10), Rule = "bewaar-strafrechtelijk", Article = "8.2" });
            db.CasePurges.Add(new Storage.Retention.CasePurgeRow { Case = recent, Category = "melder-identiteit", PurgedAt = now.AddDays(-10), Rule = "bewaar-melder-identiteit", Article = "8.2" });
            await db.SaveChangesAsync();
        }

        var upcoming = await hub.JsonAsync(await hub.SendAsync(HttpMethod.Get, "/retention/upcoming", await hub.PrivacyOfficerAsync()));

        Assert.Equal(JsonValueKind.Null, upcoming.GetProperty("next").ValueKind);
        Assert.Equal(now, upcoming.GetProperty("at").GetDateTimeOffset());
        var cases = upcoming.GetProperty("purges").EnumerateArray()
            .GroupBy(c => c.GetProperty("case").GetString()!)
            .ToDictionary(g => g.Key, g => g.ToDictionary(c => c.GetProperty("category").GetString()!, c => c));
        Assert.Equal(new[] { held, recent }.Order(StringComparer.Ordinal), cases.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(open, cases.Keys);

        var recentCategories = cases[recent];
        Assert.Equal(["dynamisch", "exceptioneel", "statisch"], recentCategories.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((now.AddDays(80), "bewaar-exceptioneel", "8.3", false, false), Summary(recentCategories["exceptioneel"]));
        Assert.Equal((now.AddDays(720), "bewaar-statisch", "8.4", false, false), Summary(recentCategories["statisch"]));
        Assert.All(recentCategories.Values, c => Assert.Equal(JsonValueKind.Null, c.GetProperty("heldUntil").ValueKind));
        Assert.All(recentCategories.Values, c => Assert.Equal(now.AddDays(-10), c.GetProperty("closedAt").GetDateTimeOffset()));

        // The hold keeps what was due (the fenced categories at closure, exceptioneel after 90 days) until it ends.
        var holdEnds = now.AddDays(200);
        var heldCategories = cases[held];
        Assert.All(heldCategories.Values, c => Assert.Equal(holdEnds, c.GetProperty("heldUntil").GetDateTimeOffset()));
        Assert.Equal(5, heldCategories.Count);
        Assert.Equal((holdEnds, "bewaar-strafrechtelijk", "8.2", true, false), Summary(heldCategories["strafrechtelijk"]));
        Assert.Equal((holdEnds, "bewaar-exceptioneel", "8.3", true, false), Summary(heldCategories["exceptioneel"]));
        Assert.Equal((now.AddDays(630), "bewaar-dynamisch", "8.4", false, false), Summary(heldCategories["dynamisch"]));

        var read = Assert.Single(await hub.LogAsync(r => r.Operation == PrivacyOfficerBroker.Upcoming.Operation));
        Assert.Equal((AccessDecision.Permit, "privacy-officer"), (read.Decision, read.Role));
        await AssertProblemAsync(await hub.SendAsync(HttpMethod.Get, "/retention/upcoming", await hub.TokenAsync("om")), HttpStatusCode.Forbidden);
        Assert.Equal(AccessDecision.Deny, (await hub.LogAsync(r => r.Operation == PrivacyOfficerBroker.Upcoming.Operation))[^1].Decision);
    }

    private static (DateTimeOffset, string, string, bool, bool) Summary(JsonElement category) => (
        category.GetProperty("purgeAt").GetDateTimeOffset(), category.GetProperty("rule").GetString()!, category.GetProperty("article").GetString()!,
        category.GetProperty("postponedByHold").GetBoolean(), category.GetProperty("due").GetBoolean());

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Anyone_but_the_privacy_officer_gets_403_problem_details_and_the_refusal_is_logged(string engine)
    {
        await using var hub = await HoldsHub.StartAsync(engine);
        var pseudonym = await hub.NewCaseAsync();
        await PlaceAsync(hub, pseudonym, "om", "geheime reden", 30);

        foreach (var token in new[] { await hub.TokenAsync("om"), await hub.TokenAsync("zvh"), await hub.TokenAsync("politie") })
        {
            using var response = await hub.SendAsync(HttpMethod.Get, "/retention/holds", token);
            var body = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("geheime", body, StringComparison.Ordinal);
            var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden);
            Assert.Equal("Only for the privacy officer", problem.GetProperty("title").GetString());
        }

        using (var anonymous = await hub.Client.GetAsync(new Uri("/retention/holds", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        var refusals = await hub.LogAsync(r => r.Operation == PrivacyOfficerBroker.Holds.Operation);
        Assert.Equal(["om", "zvh", "politie"], refusals.Select(r => r.ActorPartner!.Value.Value));
        Assert.All(refusals, r => Assert.Equal(AccessDecision.Deny, r.Decision));
    }

    internal static async Task<Guid> PlaceAsync(HoldsHub hub, string pseudonym, string partner, string reason, int days)
    {
        using var response = await hub.SendAsync(HttpMethod.Post, $"/cases/{pseudonym}/holds", await hub.TokenAsync(partner), new LegalHoldRequest(reason, hub.Clock.GetUtcNow().AddDays(days)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<LegalHoldPlaced>())!.Id;
    }
}
