using System.Net;
using System.Text;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Retention;
using Informatiedeling.Hub.Tests.AccessLog;
using Informatiedeling.Storage.Retention;
using Microsoft.Extensions.DependencyInjection;
using static Informatiedeling.Hub.Tests.Hosting.ProblemDetailsTests;

namespace Informatiedeling.Hub.Tests.Retention;

/// <summary>
/// Legal holds over HTTP on both engines: placed and lifted by om and politie with a role on the case, refused to
/// everyone else (with a role: 403 and logged; without: 404 like no case), recorded in the access log before they
/// take effect, the reason sealed everywhere but in the privacy officer's view.
/// </summary>
public sealed class HoldsTests
{
    public static TheoryData<string> Engines => new(AccessLogs.Engines);

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task The_prosecutor_places_a_hold_on_a_closed_case_recorded_before_it_takes_effect(string engine)
    {
        await using var hub = await HoldsHub.StartAsync(engine);
        var pseudonym = await hub.NewCaseAsync();
        await hub.CloseAsync(pseudonym, hub.Clock.GetUtcNow().AddDays(-10));
        // An end date given in local time (CET) is the same instant stored in UTC.
        var until = hub.Clock.GetUtcNow().AddDays(400).ToOffset(TimeSpan.FromHours(1));

        using var response = await hub.SendAsync(HttpMethod.Post, $"/cases/{pseudonym}/holds", await hub.TokenAsync("om"), new LegalHoldRequest("strafzaak 12/345 tegen de exploitant", until));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var placed = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<LegalHoldPlaced>(response.Content))!;
        Assert.Equal($"/cases/{pseudonym}/holds/{placed.Id:D}", response.Headers.Location!.OriginalString);
        Assert.Equal(until, placed.Until);
        var hold = Assert.Single(await hub.HoldsAsync());
        Assert.Equal((placed.Id, pseudonym, "om", "om-user", until), (hold.Id, hold.Case, hold.PlacedByPartner, hold.PlacedByUser, hold.Until));
        Assert.Null(hold.LiftedAt);

        var record = Assert.Single(await hub.LogAsync(r => r.Kind == AccessEventKind.LegalHold && r.Operation == LegalHoldBroker.Place.Operation));
        Assert.Equal(AccessDecision.Permit, record.Decision);
        Assert.Equal(("handeling-bewaarplicht-vastleggen", "8.5", pseudonym, placed.Id.ToString("N")), (record.Rule, record.Article, record.Case!.Value.Value, record.Subject));

        // The OM holds no role in the step the case closed in (nazorg), but A in uitvoering: its strongest role counts.
        Assert.Equal("A", record.Role);

        // The purge sees it.
        var active = await hub.Hub.Services.GetRequiredService<LegalHoldQueries>().ActiveHoldsAsync([pseudonym], hub.Clock.GetUtcNow(), CancellationToken.None);
        Assert.Equal(until, active[pseudonym]);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task The_care_coordinator_may_not_place_a_hold_nothing_is_stored_and_the_refusal_is_logged(string engine)
    {
        await using var hub = await HoldsHub.StartAsync(engine);
        var pseudonym = await hub.NewCaseAsync();

        var problem = await AssertProblemAsync(
            await hub.SendAsync(HttpMethod.Post, $"/cases/{pseudonym}/holds", await hub.TokenAsync("zorgcoordinatie"), new LegalHoldRequest("wil het dossier houden", hub.Clock.GetUtcNow().AddDays(30))),
            HttpStatusCode.Forbidden);

        Assert.Equal("handeling-bewaarplicht-vastleggen", problem.GetProperty("rule").GetString());
        Assert.Equal("8.5", problem.GetProperty("article").GetString());
        Assert.Empty(await hub.HoldsAsync());
        var denial = Assert.Single(await hub.LogAsync(r => r.Operation == LegalHoldBroker.Place.Operation));
        Assert.Equal((AccessDecision.Deny, "zorgcoordinatie", pseudonym), (denial.Decision, denial.ActorPartner!.Value.Value, denial.Case!.Value.Value));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_partner_without_standing_gets_the_answer_for_a_case_that_does_not_exist(string engine)
    {
        await using var hub = await HoldsHub.StartAsync(engine);
        var pseudonym = await hub.NewCaseAsync();
        await hub.RemoveRolesAsync(pseudonym, "om");
        var om = await hub.TokenAsync("om");
        var body = new LegalHoldRequest("onderzoek", hub.Clock.GetUtcNow().AddDays(30));

        var noStanding = await hub.JsonAsync(await hub.SendAsync(HttpMethod.Post, $"/cases/{pseudonym}/holds", om, body));
        var missing = await hub.JsonAsync(await hub.SendAsync(HttpMethod.Post, "/cases/cs-0123456789abcdefghjkmnpqrs/holds", om, body));
        var malformed = await hub.JsonAsync(await hub.SendAsync(HttpMethod.Post, "/cases/not-a-case/holds", om, body));
        var uninvited = await hub.JsonAsync(await hub.SendAsync(HttpMethod.Post, $"/cases/{pseudonym}/holds", await hub.TokenAsync("kmar"), body));
        var lift = await hub.JsonAsync(await hub.SendAsync(HttpMethod.Delete, $"/cases/{pseudonym}/holds/{Guid.NewGuid()}", om));

        foreach (var answer in new[] { noStanding, missing, malformed, uninvited, lift })
        {
            Assert.Equal(404, answer.GetProperty("status").GetInt32());
            Assert.Equal("Case not found", answer.GetProperty("title").GetString());
            Assert.Equal(Strip(missing), Strip(answer));
        }

        Assert.Empty(await hub.HoldsAsync());
        Assert.Equal(5, (await hub.LogAsync(r => r.Kind == AccessEventKind.LegalHold && r.Decision == AccessDecision.Deny)).Count);

        // An invited shell partner does have standing: it is refused, not told the case does not exist.
        await hub.InviteAsync(pseudonym, "kmar", hub.Clock.GetUtcNow().AddDays(5));
        await AssertProblemAsync(await hub.SendAsync(HttpMethod.Post, $"/cases/{pseudonym}/holds", await hub.TokenAsync("kmar"), body), HttpStatusCode.Forbidden);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_lifted_hold_is_no_longer_active_and_only_om_or_politie_lift_it(string engine)
    {
        await using var hub = await HoldsHub.StartAsync(engine);
        var pseudonym = await hub.NewCaseAsync();
        await hub.CloseAsync(pseudonym, hub.Clock.GetUtcNow().AddDays(-1));
        var placed = await PlaceAsync(hub, pseudonym, "politie", "onderzoek naar de ronselaar", 90);

        await AssertProblemAsync(await hub.SendAsync(HttpMethod.Delete, $"/cases/{pseudonym}/holds/{placed}", await hub.TokenAsync("zvh")), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await hub.SendAsync(HttpMethod.Delete, $"/cases/{pseudonym}/holds/{Guid.NewGuid()}", await hub.TokenAsync("om")), HttpStatusCode.NotFound);

        var om = await hub.TokenAsync("om");
        var before = DateTimeOffset.UtcNow;
        using (var lifted = await hub.SendAsync(HttpMethod.Delete, $"/cases/{pseudonym}/holds/{placed}", om))
        {
            Assert.Equal(HttpStatusCode.NoContent, lifted.StatusCode);
        }

        // Lifted at the database's time (here this machine's clock), not the hub's, like its placement.
        var hold = Assert.Single(await hub.HoldsAsync());
        Assert.Equal("om", hold.LiftedByPartner);
        Assert.InRange(hold.LiftedAt!.Value, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        await AssertProblemAsync(await hub.SendAsync(HttpMethod.Delete, $"/cases/{pseudonym}/holds/{placed}", await hub.TokenAsync("politie")), HttpStatusCode.Conflict);
        Assert.Empty(await hub.Hub.Services.GetRequiredService<LegalHoldQueries>().ActiveHoldsAsync([pseudonym], hub.Clock.GetUtcNow(), CancellationToken.None));

        var view = await hub.JsonAsync(await hub.SendAsync(HttpMethod.Get, "/retention/holds", await hub.PrivacyOfficerAsync()));
        Assert.Empty(view.GetProperty("holds").EnumerateArray());

        var lifts = await hub.LogAsync(r => r.Operation == LegalHoldBroker.Lift.Operation);
        Assert.Equal([AccessDecision.Deny, AccessDecision.Error, AccessDecision.Permit, AccessDecision.Error], lifts.Select(r => r.Decision));
        Assert.Equal(placed.ToString("N"), lifts[2].Subject);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task The_holds_in_force_are_listed_to_who_may_lift_them_without_their_reason_and_the_listing_is_recorded(string engine)
    {
        await using var hub = await HoldsHub.StartAsync(engine);
        var pseudonym = await hub.NewCaseAsync();
        var other = await hub.NewCaseAsync();
        var first = await PlaceAsync(hub, pseudonym, "om", "strafzaak 77/1 geheim", 30);
        var second = await PlaceAsync(hub, pseudonym, "politie", "onderzoek 88/2 geheim", 60);
        var lifted = await PlaceAsync(hub, pseudonym, "om", "ingetrokken 99/3", 90);
        await PlaceAsync(hub, other, "om", "ander dossier", 30);
        using (var lift = await hub.SendAsync(HttpMethod.Delete, $"/cases/{pseudonym}/holds/{lifted}", await hub.TokenAsync("om")))
        {
            Assert.Equal(HttpStatusCode.NoContent, lift.StatusCode);
        }

        using var answer = await hub.SendAsync(HttpMethod.Get, $"/cases/{pseudonym}/holds", await hub.TokenAsync("politie"));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var text = await answer.Content.ReadAsStringAsync();
        Assert.DoesNotContain("geheim", text, StringComparison.Ordinal);
        var listed = JsonDocument.Parse(text).RootElement.EnumerateArray().ToList();
        Assert.Equal([first, second], listed.Select(h => h.GetProperty("id").GetGuid())); // by end date, the lifted one and the other case's absent
        Assert.Equal(["om", "politie"], listed.Select(h => h.GetProperty("placedBy").GetString()));

        // Decided as a lift: the care coordinator with a role is refused, a partner without standing finds no case.
        await AssertProblemAsync(await hub.SendAsync(HttpMethod.Get, $"/cases/{pseudonym}/holds", await hub.TokenAsync("zorgcoordinatie")), HttpStatusCode.Forbidden);
        await hub.RemoveRolesAsync(pseudonym, "kmar");
        await AssertProblemAsync(await hub.SendAsync(HttpMethod.Get, $"/cases/{pseudonym}/holds", await hub.TokenAsync("kmar")), HttpStatusCode.NotFound);

        var lists = await hub.LogAsync(r => r.Operation == LegalHoldBroker.List.Operation);
        Assert.Equal([AccessDecision.Permit, AccessDecision.Deny], lists.Take(2).Select(r => r.Decision));
        Assert.All(lists, r => Assert.Equal(pseudonym, r.Case!.Value.Value));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task An_incomplete_hold_is_a_400_that_stores_nothing(string engine)
    {
        await using var hub = await HoldsHub.StartAsync(engine);
        var pseudonym = await hub.NewCaseAsync();
        var om = await hub.TokenAsync("om");
        var now = hub.Clock.GetUtcNow();

        foreach (var body in new object[]
        {
            new LegalHoldRequest(null, now.AddDays(10)),
            new LegalHoldRequest("   ", now.AddDays(10)),
            new LegalHoldRequest("onderzoek", null),
            new LegalHoldRequest("onderzoek", now.AddDays(-1)),
            new LegalHoldRequest("onderzoek", now.AddYears(6)),
            new LegalHoldRequest(new string('x', LegalHoldBroker.MaxReasonLength + 1), now.AddDays(10)),
            new { reason = "onderzoek", until = "morgen" },
        })
        {
            await AssertProblemAsync(await hub.SendAsync(HttpMethod.Post, $"/cases/{pseudonym}/holds", om, body), HttpStatusCode.BadRequest);
        }

        Assert.Empty(await hub.HoldsAsync());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task The_reason_is_in_no_log_line_no_access_record_and_no_database_row_in_plaintext(string engine)
    {
        await using var hub = await HoldsHub.StartAsync(engine);
        var pseudonym = await hub.NewCaseAsync();
        const string Reason = "verdenking tegen Kees Uitbuiter-Vandenberg";
        var placed = await PlaceAsync(hub, pseudonym, "om", Reason, 200);
        var view = await hub.JsonAsync(await hub.SendAsync(HttpMethod.Get, "/retention/holds", await hub.PrivacyOfficerAsync()));
        Assert.Equal(Reason, Assert.Single(view.GetProperty("holds").EnumerateArray()).GetProperty("reason").GetString());

        Assert.DoesNotContain("Uitbuiter", hub.Hub.Logs.All, StringComparison.Ordinal);
        Assert.Contains(placed.ToString(), hub.Hub.Logs.All, StringComparison.Ordinal);
        foreach (var record in await hub.LogAsync(_ => true))
        {
            Assert.DoesNotContain("Uitbuiter", JsonSerializer.Serialize(record), StringComparison.Ordinal);
        }

        await using var connection = await hub.Hub.OpenDatabaseAsync();
        foreach (var table in new[] { "legal_holds", "access_log" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table}";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.GetValue(i);
                    var text = value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
                    Assert.DoesNotContain("Uitbuiter", text, StringComparison.Ordinal);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task When_the_access_log_cannot_record_it_no_hold_is_placed_or_lifted_and_no_reason_released(string engine)
    {
        await using var hub = await HoldsHub.StartAsync(engine);
        var pseudonym = await hub.NewCaseAsync();
        var placed = await PlaceAsync(hub, pseudonym, "om", "onderzoek", 60);
        var om = await hub.TokenAsync("om");
        var officer = await hub.PrivacyOfficerAsync();
        await using var db = await hub.Hub.OpenDatabaseAsync();

        // The database refuses every further access-log row, as a full disk or a lost server would.
        await db.RefuseAccessLogInsertsAsync(engine);

        await AssertProblemAsync(await hub.SendAsync(HttpMethod.Post, $"/cases/{pseudonym}/holds", om, new LegalHoldRequest("tweede", hub.Clock.GetUtcNow().AddDays(9))), HttpStatusCode.ServiceUnavailable);
        await AssertProblemAsync(await hub.SendAsync(HttpMethod.Delete, $"/cases/{pseudonym}/holds/{placed}", om), HttpStatusCode.ServiceUnavailable);
        using (var view = await hub.SendAsync(HttpMethod.Get, "/retention/holds", officer))
        {
            Assert.DoesNotContain("onderzoek", await view.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            await AssertProblemAsync(view, HttpStatusCode.ServiceUnavailable);
        }

        var hold = Assert.Single(await hub.HoldsAsync());
        Assert.Equal(placed, hold.Id);
        Assert.Null(hold.LiftedAt);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_routes_of_holds_the_privacy_officer_and_the_feed()
    {
        await using var hub = await HoldsHub.StartAsync("sqlite");
        using var response = await hub.Client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        var paths = (await hub.JsonAsync(response)).GetProperty("paths");

        foreach (var (path, method, status) in new[]
        {
            ("/cases/{pseudonym}/holds", "post", "201"), ("/cases/{pseudonym}/holds/{id}", "delete", "204"),
            ("/retention/holds", "get", "200"), ("/retention/upcoming", "get", "200"), ("/retention/purge-notices", "get", "200"),
        })
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), $"{method} {path} has no summary");
            Assert.True(operation.GetProperty("responses").TryGetProperty(status, out _), $"{method} {path} does not describe {status}");
            Assert.True(operation.GetProperty("responses").TryGetProperty("403", out _) || operation.GetProperty("responses").TryGetProperty("400", out _));
        }
    }

    private static async Task<Guid> PlaceAsync(HoldsHub hub, string pseudonym, string partner, string reason, int days)
    {
        using var response = await hub.SendAsync(HttpMethod.Post, $"/cases/{pseudonym}/holds", await hub.TokenAsync(partner), new LegalHoldRequest(reason, hub.Clock.GetUtcNow().AddDays(days)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<LegalHoldPlaced>(response.Content))!.Id;
    }

    private static string Strip(JsonElement problem) =>
        string.Join("|", problem.EnumerateObject().Where(p => p.Name != "traceId").Select(p => $"{p.Name}={p.Value}"));
}
