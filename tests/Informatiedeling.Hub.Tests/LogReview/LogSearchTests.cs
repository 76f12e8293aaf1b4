using System.Net;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Hub.Tests.Cases;
using Informatiedeling.Storage.AccessLog;
using Microsoft.Extensions.Time.Testing;

namespace Informatiedeling.Hub.Tests.LogReview;

/// <summary>
/// <c>GET /access-log/records</c> and <c>POST /access-log/persons</c> on both engines: each criterion and their
/// combinations return exactly the seeded records, newest first, page by page without gap or repeat; a partner's own
/// privacy officer sees only that partner's employees; everyone else is refused and recorded; every page is a log read
/// naming its parameters and never a personal value.
/// </summary>
public sealed class LogSearchTests
{
    private const string Officer = PartnerClaims.PrivacyOfficer;
    private const string OwnOfficer = PartnerClaims.PartnerPrivacyOfficer;

    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Each_criterion_and_their_combinations_return_exactly_the_seeded_records_newest_first(string engine)
    {
        // Three days, one after the other; tokens are minted before the clock moves (they are checked against the real one).
        var amsterdam = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");
        var now = DateTimeOffset.UtcNow;
        var clock = new FakeTimeProvider(now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)));
        await using var hub = await CaseHub.StartAsync(engine, clock);
        await hub.WarmTokensAsync("veilig-thuis", "politie", "zvh");
        await hub.TokenAsync("zvh", "fg-hub", Officer);
        var first = await hub.NewCaseAsync();
        (await hub.SendAsync("politie", HttpMethod.Get, $"/cases/{first}")).Dispose(); // no standing: recorded as a denial on the case
        clock.Advance(TimeSpan.FromDays(1)); // the second day
        var day2 = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), amsterdam).DateTime);
        var second = await hub.NewCaseAsync();
        await hub.EmergencyReadAsync(second, "Fictief acuut gevaar");
        using (var refused = await hub.SendAsync("politie", HttpMethod.Get, $"/cases/{second}/data?purpose=strafrechtelijke-afweging"))
        {
            Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
        }

        clock.Advance(TimeSpan.FromDays(1)); // the third day
        await hub.OkAsync("politie", HttpMethod.Get, "/cases");

        async Task<List<long>> SearchAsync(string query)
        {
            var seqs = new List<long>();
            var page = await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/records?limit=3&" + query);
            while (true)
            {
                seqs.AddRange(page.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("seq").GetInt64()));
                if (page.GetProperty("next").ValueKind == JsonValueKind.Null)
                {
                    return seqs;
                }

                page = await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get,
                    $"/access-log/records?limit=3&{query}&cursor={Uri.EscapeDataString(page.GetProperty("next").GetString()!)}");
            }
        }

        // What the log held before the searches began; each search's own reads come after, and are found by the next only where they match.
        var seeded = await hub.LogAsync(everyKind: true);
        var top = seeded.Max(r => r.Seq);
        async Task AssertFindsAsync(string query, Func<LoggedRecord, bool> expected)
        {
            var found = (await SearchAsync(query)).Where(s => s <= top).ToList();
            var wanted = seeded.Where(expected).Select(r => r.Seq).OrderDescending().ToList();
            Assert.True(wanted.Count > 0, $"the seed has no record for {query}");
            Assert.Equal(wanted, found);
        }

        bool OnDay(LoggedRecord r, DateOnly day) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(r.RecordedAt, amsterdam).DateTime) == day;
        var day2Start = new DateTimeOffset(day2.ToDateTime(TimeOnly.MinValue), amsterdam.GetUtcOffset(day2.ToDateTime(TimeOnly.MinValue)));
        await AssertFindsAsync($"case={first}", r => r.Record.Case?.Value == first);
        await AssertFindsAsync($"case={first},{second}", r => r.Record.Case?.Value == first || r.Record.Case?.Value == second);
        await AssertFindsAsync("partner=politie&user=politie-user", r => r.Record.ActorPartner?.Value == "politie" && r.Record.ActorUser == "politie-user");
        await AssertFindsAsync("partner=veilig-thuis", r => r.Record.ActorPartner?.Value == "veilig-thuis");
        await AssertFindsAsync($"from={day2:yyyy-MM-dd}&to={day2:yyyy-MM-dd}", r => OnDay(r, day2));
        await AssertFindsAsync($"from={Uri.EscapeDataString(day2Start.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture))}", r => r.RecordedAt >= day2Start);
        await AssertFindsAsync("kind=access-decision&decision=deny", r => r.Record.Kind == AccessEventKind.AccessDecision && r.Record.Decision == AccessDecision.Deny);
        await AssertFindsAsync("purpose=acute-veiligheid", r => r.Record.Purpose?.Value == "acute-veiligheid");
        await AssertFindsAsync("emergency=true", r => r.Record.Emergency);
        var rule = seeded.First(r => r.Record.Emergency).Record.Rule!;
        await AssertFindsAsync($"rule={rule}&partner=veilig-thuis", r => r.Record.Rule == rule && r.Record.ActorPartner?.Value == "veilig-thuis");
        await AssertFindsAsync($"case={second}&partner=politie&decision=deny", r => r.Record.Case?.Value == second && r.Record.ActorPartner?.Value == "politie" && r.Record.Decision == AccessDecision.Deny);

        // A row says when, who, what, the decision and what it rests on.
        var emergency = (await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/records?emergency=true")).GetProperty("records")[0];
        Assert.Equal(second, emergency.GetProperty("case").GetString());
        Assert.Equal("veilig-thuis", emergency.GetProperty("partner").GetString());
        Assert.Equal("veilig-thuis-user", emergency.GetProperty("user").GetString());
        Assert.Equal("acute-veiligheid", emergency.GetProperty("purpose").GetString());
        Assert.False(string.IsNullOrEmpty(emergency.GetProperty("legalGround").GetString()));
        Assert.NotEmpty(emergency.GetProperty("categoriesReleased").EnumerateArray());
        Assert.NotEmpty(emergency.GetProperty("fieldsReleased").EnumerateArray());
        Assert.Contains(emergency.GetProperty("obligations").EnumerateArray(), o => o.GetString() == "review");
        Assert.True(emergency.GetProperty("justificationSealed").GetBoolean());
        Assert.Equal(64, emergency.GetProperty("policyVersion").GetString()!.Length);
        Assert.DoesNotContain("Fictief acuut gevaar", emergency.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(("melding", "open"), (emergency.GetProperty("step").GetString(), emergency.GetProperty("caseStatus").GetString()));
        Assert.True(emergency.GetProperty("justificationGiven").GetBoolean());

        // Every page was a log read by the officer, naming its parameters, never a user id.
        var reads = await hub.LogAsync(r => r.Operation == "access-log.records", everyKind: true);
        Assert.NotEmpty(reads);
        Assert.All(reads, r =>
        {
            Assert.Equal(AccessEventKind.LogRead, r.Record.Kind);
            Assert.Equal(("fg-hub", "privacy-officer"), (r.Record.ActorUser, r.Record.Role));
            Assert.StartsWith("records;", r.Record.Subject, StringComparison.Ordinal);
            Assert.DoesNotContain("politie-user", r.Record.Subject, StringComparison.Ordinal);
        });
        Assert.Contains(reads, r => r.Record.Subject!.Contains(";user=given;", StringComparison.Ordinal));
        Assert.Contains(reads, r => r.Record.Case?.Value == first && r.Record.Subject!.Contains($"case={first}", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_partners_own_privacy_officer_sees_only_its_employees_and_is_refused_another_partner(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var pseudonym = await hub.NewCaseAsync();
        (await hub.SendAsync("politie", HttpMethod.Get, $"/cases/{pseudonym}")).Dispose(); // no standing: a denial on the case
        await hub.OkAsync("politie", HttpMethod.Get, "/cases");

        var own = await hub.OkAsAsync("politie", "fg-politie", OwnOfficer, HttpMethod.Get, $"/access-log/records?case={pseudonym}&limit=500");
        var rows = own.GetProperty("records").EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal("politie", r.GetProperty("partner").GetString()));

        // The police's refusal on a case it has no standing on says no more to its privacy officer than the 404 said to the employee.
        var refusal = rows.Single(r => r.GetProperty("decision").GetString() == "deny" && r.GetProperty("user").GetString() == "politie-user");
        foreach (var hidden in new[] { "rule", "article", "step", "caseStatus", "invitedUntil" })
        {
            Assert.Equal(JsonValueKind.Null, refusal.GetProperty(hidden).ValueKind);
        }
        var everything = await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, $"/access-log/records?case={pseudonym}&limit=500");
        Assert.Contains(everything.GetProperty("records").EnumerateArray(), r => r.GetProperty("partner").GetString() == "veilig-thuis");

        // The hub's privacy officer is a user of zvh; zvh's own privacy officer does not see what the hub's reviewed.
        var zvhOwn = await hub.OkAsAsync("zvh", "fg-zvh", OwnOfficer, HttpMethod.Get, "/access-log/records?kind=log-read&limit=500");
        Assert.DoesNotContain(zvhOwn.GetProperty("records").EnumerateArray(), r => r.GetProperty("user").GetString() == "fg-hub");
        Assert.NotEmpty(zvhOwn.GetProperty("records").EnumerateArray()); // its own reads it does see

        using var other = await hub.SendAsAsync("politie", "fg-politie", OwnOfficer, HttpMethod.Get, "/access-log/records?partner=veilig-thuis");
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        var refused = await hub.LogAsync(r => r.Operation == "access-log.records" && r.Decision == AccessDecision.Deny, everyKind: true);
        Assert.Equal("partner-privacy-officer", Assert.Single(refused).Record.Role);

        // The partner's privacy officer finds a person only through files its own employees touched.
        var person = new { fullName = "Persoon Zoek", dateOfBirth = "1998-03-14" };
        using (var intake = await hub.SendAsync("veilig-thuis", HttpMethod.Post, "/cases", Reports.Intake("Persoon Zoek", new DateOnly(1998, 3, 14), new Dictionary<string, string> { ["melding.uitbuitingsvorm"] = "arbeid" })))
        {
            Assert.Equal(HttpStatusCode.Created, intake.StatusCode);
        }

        var byHub = await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Post, "/access-log/persons", person);
        var files = byHub.GetProperty("cases").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Single(files);
        // A partner holding a role on the file in some step finds it; a partner that holds none and was never invited does not.
        var byReporter = await hub.OkAsAsync("veilig-thuis", "fg-vt", OwnOfficer, HttpMethod.Post, "/access-log/persons", person);
        Assert.Equal(files, byReporter.GetProperty("cases").EnumerateArray().Select(c => c.GetString()!));
        var byShell = await hub.OkAsAsync("ggd", "fg-ggd", OwnOfficer, HttpMethod.Post, "/access-log/persons", person);
        Assert.Empty(byShell.GetProperty("cases").EnumerateArray());

        // The name is in no record; the search is recorded under the file it found.
        var all = await hub.LogAsync(everyKind: true);
        Assert.DoesNotContain(all, r => (r.Record.Subject ?? "").Contains("Zoek", StringComparison.Ordinal));
        Assert.Contains(all, r => r.Record.Operation == "access-log.persons" && r.Record.Case?.Value == files[0] && r.Record.Subject == "persons;hits=1");
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task An_employee_and_a_function_the_route_does_not_take_are_refused_and_recorded(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        using (var employee = await hub.SendAsync("politie", HttpMethod.Get, "/access-log/records"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, employee.StatusCode);
        }

        using (var person = await hub.SendAsync("politie", HttpMethod.Post, "/access-log/persons", new { fullName = "Iemand Anders", dateOfBirth = "1990-01-01" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, person.StatusCode);
        }

        // The hub-wide routes of the privacy officer stay the hub's privacy officer's.
        using (var holds = await hub.SendAsAsync("politie", "fg-politie", OwnOfficer, HttpMethod.Get, "/retention/holds"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, holds.StatusCode);
        }

        var denials = await hub.LogAsync(r => r.Decision == AccessDecision.Deny);
        Assert.Equal(["access-log.persons", "access-log.records", "retention.holds.read"], denials.Select(r => r.Record.Operation).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(denials, r => (r.Record.Subject ?? "").Contains("Iemand", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_malformed_search_is_a_400_naming_the_member_and_recorded(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        (string Query, string Member)[] cases =
        [
            ("case=niet-een-pseudoniem", "'case'"), ("partner=nobody", "'partner'"), ("user=iemand", "'user'"), ("from=gisteren", "'from'"),
            ("from=2026-12-02&to=2026-12-01", "'to'"), ("kind=everything", "'kind'"), ("decision=maybe", "'decision'"), ("purpose=nieuwsgierigheid", "'purpose'"),
            ("rule=%3Cscript%3E", "'rule'"), ("emergency=ja", "'emergency'"), ("cursor=bm9wZQ", "'cursor'"), ("limit=501", "'limit'"),
            ("user=" + new string('u', 200) + "&partner=politie", "'user'"), ("user=a%00b&partner=politie", "'user'"), ("from=0001-01-01", "'from'"),
            ("to=9999-12-31", "'to'"), ("from=0001-01-01T00:00:00%2B05:00", "'from'"),
        ];
        foreach (var (query, member) in cases)
        {
            using var response = await hub.SendAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/records?" + query);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode} {text}");
            Assert.Contains(member, text, StringComparison.Ordinal);
        }

        using (var noName = await hub.SendAsAsync("zvh", "fg-hub", Officer, HttpMethod.Post, "/access-log/persons", new { dateOfBirth = "1990-01-01" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noName.StatusCode);
            Assert.Contains("'fullName'", await noName.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var control = await hub.SendAsAsync("zvh", "fg-hub", Officer, HttpMethod.Post, "/access-log/persons", new { fullName = "Naam\u0000Nul", dateOfBirth = "1990-01-01" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, control.StatusCode);
        }

        Assert.Equal(2, (await hub.LogAsync(r => r.Operation == "access-log.persons" && r.Decision == AccessDecision.Error)).Count);

        var errors = await hub.LogAsync(r => r.Operation == "access-log.records" && r.Decision == AccessDecision.Error);
        Assert.Equal(cases.Length, errors.Count);
    }
}
