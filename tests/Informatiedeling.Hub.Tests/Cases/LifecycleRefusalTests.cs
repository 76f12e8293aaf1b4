using System.Net;
using Informatiedeling.AccessLog.Records;
using Microsoft.Extensions.Time.Testing;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>
/// For every lifecycle action, the wrong partner, the wrong role, the wrong step, a closed case and an ended
/// invitation get nothing and change nothing, and each refusal is in the access log; bad bodies are 400 problem
/// details that change nothing, never a 5xx.
/// </summary>
public sealed class LifecycleRefusalTests
{
    private static readonly Dictionary<string, string> FirstWeighing = new() { ["eerste-weging.veiligheid"] = "onveilig" };
    private static readonly Dictionary<string, string> Care = new() { ["voortgang.interventie"] = "Interventie Q-99" };

    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    /// <summary>
    /// The case's state, who acts, the request, and the answer: 404 (no standing, the case is hidden), 403 with the
    /// rule that refused, or 409.
    /// </summary>
    private static readonly (string State, string Partner, string Method, string Path, object? Body, HttpStatusCode Status, string? Rule, string Operation)[] Refusals =
    [
        ("melding", "gemeente", "GET", "", null, HttpStatusCode.NotFound, null, "case.summary"),

        ("eerste-weging", "gemeente", "POST", "/weighings", new { weighing = "eerste-weging", fields = FirstWeighing }, HttpStatusCode.NotFound, null, "case.weighing"),
        ("eerste-weging", "politie", "POST", "/weighings", new { weighing = "eerste-weging", fields = FirstWeighing }, HttpStatusCode.Forbidden, "handeling-weging-vastleggen", "case.weighing"),
        ("melding", "veilig-thuis", "POST", "/weighings", new { weighing = "eerste-weging", fields = FirstWeighing }, HttpStatusCode.Forbidden, "handeling-weging-vastleggen", "case.weighing"),
        ("uitvoering", "zorgcoordinatie", "POST", "/weighings", new { weighing = "tweede-weging", fields = new Dictionary<string, string> { ["tweede-weging.urgentie"] = "hoog" } }, HttpStatusCode.Forbidden, "handeling-weging-vastleggen", "case.weighing"),
        ("casusoverleg", "zvh", "POST", "/weighings", new { weighing = "tweede-weging", fields = new Dictionary<string, string> { ["tweede-weging.kenmerken-actoren"] = "netwerk" } }, HttpStatusCode.Forbidden, null, "case.weighing"),
        ("closed", "zvh", "POST", "/weighings", new { weighing = "tweede-weging", fields = new Dictionary<string, string> { ["tweede-weging.urgentie"] = "hoog" } }, HttpStatusCode.Forbidden, "dossier-gesloten", "case.weighing"),

        ("uitvoering", "ggd", "PUT", "/fields", new { purpose = "zorgcoordinatie", fields = Care }, HttpStatusCode.NotFound, null, "case.write"),
        ("uitvoering", "gemeente", "PUT", "/fields", new { purpose = "zorgcoordinatie", fields = Care }, HttpStatusCode.Forbidden, "handeling-velden-schrijven", "case.write"),
        ("casusoverleg", "veilig-thuis", "PUT", "/fields", new { purpose = "zorgcoordinatie", fields = Care }, HttpStatusCode.Forbidden, null, "case.write"),
        ("uitvoering", "zorgcoordinatie", "PUT", "/fields", new { purpose = "zorgcoordinatie", fields = new Dictionary<string, object> { ["voortgang.strafrechtelijk-onderzoek"] = true } }, HttpStatusCode.Forbidden, null, "case.write"),
        ("uitvoering", "zorgcoordinatie", "PUT", "/fields", new { purpose = "acute-veiligheid", fields = Care }, HttpStatusCode.Forbidden, null, "case.write"),
        ("uitvoering", "zorgcoordinatie", "PUT", "/fields", new { purpose = "verkoop", fields = Care }, HttpStatusCode.Forbidden, "onbekend", "case.write"),
        ("closed", "zvh", "PUT", "/fields", new { purpose = "zorgcoordinatie", fields = Care }, HttpStatusCode.Forbidden, "dossier-gesloten", "case.write"),

        ("eerste-weging", "gemeente", "POST", "/step", new { from = "eerste-weging" }, HttpStatusCode.NotFound, null, "case.step"),
        ("casusoverleg", "veilig-thuis", "POST", "/step", new { from = "casusoverleg" }, HttpStatusCode.Forbidden, "handeling-stap-afronden", "case.step"),
        ("casusoverleg", "zvh", "POST", "/step", new { from = "eerste-weging" }, HttpStatusCode.Conflict, null, "case.step"),
        ("nazorg", "zvh", "POST", "/step", new { from = "nazorg" }, HttpStatusCode.Conflict, null, "case.step"),
        ("closed", "zvh", "POST", "/step", new { from = "uitvoering" }, HttpStatusCode.Forbidden, "dossier-gesloten", "case.step"),

        ("casusoverleg", "veilig-thuis", "PUT", "/rasci/uitvoering", new { assignments = new Dictionary<string, string> { ["gemeente"] = "R" } }, HttpStatusCode.Forbidden, "handeling-rasci-instellen", "case.rasci"),
        ("eerste-weging", "gemeente", "PUT", "/rasci/uitvoering", new { assignments = new Dictionary<string, string> { ["gemeente"] = "R" } }, HttpStatusCode.NotFound, null, "case.rasci"),
        ("closed", "zvh", "PUT", "/rasci/nazorg", new { assignments = new Dictionary<string, string> { ["gemeente"] = "R" } }, HttpStatusCode.Forbidden, "dossier-gesloten", "case.rasci"),

        ("casusoverleg", "politie", "POST", "/invitations", new { partner = "ggd", until = "2099-01-31T00:00:00Z" }, HttpStatusCode.Forbidden, "handeling-rasci-instellen", "case.invite"),
        ("casusoverleg", "ggd", "POST", "/invitations", new { partner = "ggd", until = "2099-01-31T00:00:00Z" }, HttpStatusCode.NotFound, null, "case.invite"),
        ("closed", "zvh", "POST", "/invitations", new { partner = "ggd", until = "2099-01-31T00:00:00Z" }, HttpStatusCode.Forbidden, "dossier-gesloten", "case.invite"),

        ("casusoverleg", "politie", "DELETE", "/invitations/kmar", null, HttpStatusCode.Forbidden, "handeling-rasci-instellen", "case.invite-withdraw"),
        ("casusoverleg", "kmar", "DELETE", "/invitations/kmar", null, HttpStatusCode.Forbidden, "handeling-rasci-instellen", "case.invite-withdraw"),
        ("casusoverleg", "zvh", "DELETE", "/invitations/ggd", null, HttpStatusCode.NotFound, null, "case.invite-withdraw"),
        ("closed", "zvh", "DELETE", "/invitations/kmar", null, HttpStatusCode.Forbidden, "dossier-gesloten", "case.invite-withdraw"),

        ("uitvoering", "om", "POST", "/closure", new { reason = "afgerond" }, HttpStatusCode.Forbidden, "handeling-dossier-sluiten", "case.close"),
        ("casusoverleg", "zvh", "POST", "/closure", new { reason = "afgerond" }, HttpStatusCode.Forbidden, "handeling-dossier-sluiten", "case.close"),
        ("uitvoering", "ggd", "POST", "/closure", new { reason = "afgerond" }, HttpStatusCode.NotFound, null, "case.close"),
        ("closed", "zvh", "POST", "/closure", new { reason = "afgerond" }, HttpStatusCode.Forbidden, "dossier-gesloten", "case.close"),
    ];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task The_wrong_partner_role_step_or_a_closed_case_gets_nothing_changes_nothing_and_is_logged(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var cases = await CasesInEveryStateAsync(hub);

        foreach (var (state, partner, method, path, body, status, rule, operation) in Refusals)
        {
            var p = cases[state];
            var what = $"{method} {path} by {partner} on a case in {state}";
            var before = await hub.SnapshotAsync(p);
            var logged = (await hub.LogAsync(r => r.Case?.Value == p && r.Operation == operation)).Count;

            using var response = await hub.SendAsync(partner, new HttpMethod(method), $"/cases/{p}{path}", body);
            Assert.True(response.StatusCode == status, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var problem = await Hosting.ProblemDetailsTests.AssertProblemAsync(response, status);
            if (status == HttpStatusCode.NotFound && path != "/invitations/ggd")
            {
                Assert.Equal("Case not found", problem.GetProperty("title").GetString());
                Assert.False(problem.TryGetProperty("rule", out _), what);
            }

            if (rule is not null)
            {
                Assert.True(rule == problem.GetProperty("rule").GetString(), $"{what}: {problem}");
            }

            Assert.True(before == await hub.SnapshotAsync(p), $"{what} changed the case");
            var records = await hub.LogAsync(r => r.Case?.Value == p && r.Operation == operation);
            Assert.True(logged + 1 == records.Count, $"{what}: {records.Count - logged} new access-log records");
            var record = records[^1].Record;
            Assert.True(record.Decision is AccessDecision.Deny or AccessDecision.Error, $"{what}: logged as {record.Decision}");
            Assert.Equal(partner, record.ActorPartner?.Value);
            if (rule is not null)
            {
                Assert.Equal(rule, record.Rule);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task After_its_invitation_ends_a_shell_partner_has_no_role_and_the_case_is_hidden_from_it(string engine)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var hub = await CaseHub.StartAsync(engine, clock);
        await hub.WarmTokensAsync("zvh", "veilig-thuis", "kmar");
        var p = await hub.NewCaseAsync();
        await hub.MoveToAsync(p, "casusoverleg");
        await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{p}/invitations", new { partner = "kmar", until = clock.GetUtcNow().AddHours(1) });

        Assert.Equal("C", (await hub.OkAsync("kmar", HttpMethod.Get, $"/cases/{p}")).GetProperty("yourRole").GetString());
        var seen = await hub.OkAsync("kmar", HttpMethod.Get, $"/cases/{p}/data?purpose=casusoverleg");
        Assert.True(seen.GetProperty("fields").TryGetProperty("melding.uitbuitingsvorm", out _));
        using (var asConsulted = await hub.SendAsync("kmar", HttpMethod.Post, $"/cases/{p}/weighings", new { weighing = "tweede-weging", fields = new Dictionary<string, string> { ["tweede-weging.urgentie"] = "hoog" } }))
        {
            Assert.Equal("handeling-weging-vastleggen", (await Hosting.ProblemDetailsTests.AssertProblemAsync(asConsulted, HttpStatusCode.Forbidden)).GetProperty("rule").GetString());
        }

        clock.Advance(TimeSpan.FromHours(2));
        var before = await hub.SnapshotAsync(p);
        (HttpMethod Method, string Path, object? Body)[] attempts =
        [
            (HttpMethod.Get, "", null),
            (HttpMethod.Get, "/data?purpose=casusoverleg", null),
            (HttpMethod.Get, "/data?purpose=strafrechtelijke-handhaving", null),
            (HttpMethod.Post, "/weighings", new { weighing = "tweede-weging", fields = new Dictionary<string, string> { ["tweede-weging.urgentie"] = "hoog" } }),
            (HttpMethod.Put, "/fields", new { purpose = "casusoverleg", fields = new Dictionary<string, string> { ["tweede-weging.urgentie"] = "hoog" } }),
            (HttpMethod.Post, "/step", new { from = "casusoverleg" }),
            (HttpMethod.Post, "/invitations", new { partner = "kmar", until = "2099-01-01T00:00:00Z" }),
            (HttpMethod.Post, "/closure", new { reason = "afgerond" }),
        ];
        foreach (var (method, path, body) in attempts)
        {
            using var response = await hub.SendAsync("kmar", method, $"/cases/{p}{path}", body);
            var problem = await Hosting.ProblemDetailsTests.AssertProblemAsync(response, HttpStatusCode.NotFound);
            Assert.Equal("Case not found", problem.GetProperty("title").GetString());
        }

        Assert.Equal(before, await hub.SnapshotAsync(p));
        var ended = await hub.LogAsync(r => r.Case?.Value == p && r.ActorPartner?.Value == "kmar" && r.Rule == "uitnodiging");
        Assert.True(ended.Count >= 6, $"{ended.Count} records name the ended invitation");

        // Process direction cannot invite into the past; a new invitation gives the role back.
        using (var past = await hub.SendAsync("zvh", HttpMethod.Post, $"/cases/{p}/invitations", new { partner = "kmar", until = clock.GetUtcNow().AddMinutes(-1) }))
        {
            await Hosting.ProblemDetailsTests.AssertProblemAsync(past, HttpStatusCode.BadRequest);
        }

        await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{p}/invitations", new { partner = "kmar", until = clock.GetUtcNow().AddDays(1) });
        Assert.Equal("C", (await hub.OkAsync("kmar", HttpMethod.Get, $"/cases/{p}")).GetProperty("yourRole").GetString());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Bad_bodies_are_400_problem_details_that_change_nothing(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var overleg = await hub.NewCaseAsync();
        await hub.MoveToAsync(overleg, "casusoverleg");
        var uitvoering = await hub.NewCaseAsync();
        await hub.MoveToAsync(uitvoering, "uitvoering");
        string huge = new('x', 9000);
        (string Case, string Partner, string Method, string Path, string? Json)[] bad =
        [
            (overleg, "zvh", "POST", "/step", "{\"from\": "),
            (overleg, "zvh", "POST", "/step", "{\"from\": 5}"),
            (overleg, "zvh", "POST", "/step", "{}"),
            (overleg, "zvh", "POST", "/step", "[]"),
            (overleg, "zvh", "POST", "/step", "null"),
            (overleg, "zvh", "POST", "/step", "{\"from\": \"stap-x\"}"),
            (overleg, "zvh", "POST", "/step", null),
            (overleg, "zvh", "POST", "/weighings", "{}"),
            (overleg, "zvh", "POST", "/weighings", "{\"weighing\": \"derde-weging\", \"fields\": {\"tweede-weging.urgentie\": \"hoog\"}}"),
            (overleg, "zvh", "POST", "/weighings", "{\"weighing\": \"tweede-weging\", \"fields\": {}}"),
            (overleg, "zvh", "POST", "/weighings", "{\"weighing\": \"tweede-weging\", \"fields\": {\"tweede-weging.urgentie\": 3}}"),
            (overleg, "zvh", "POST", "/weighings", "{\"weighing\": \"tweede-weging\", \"fields\": {\"eerste-weging.veiligheid\": \"veilig\"}}"),
            (overleg, "zvh", "POST", "/weighings", "{\"weighing\": \"tweede-weging\", \"fields\": {\"tweede-weging.urgentie\": \"GEHEIM-urgent\"}}"),
            (overleg, "zvh", "POST", "/weighings", "{\"weighing\": \"tweede-weging\", \"fields\": {\"tweede-weging.bestaat-niet\": \"x\"}}"),
            (overleg, "zvh", "POST", "/weighings", $"{{\"weighing\": \"tweede-weging\", \"fields\": {{\"tweede-weging.oorzaken-en-gevolgen\": \"{huge}\"}}}}"),
            (overleg, "zvh", "PUT", "/fields", "{\"fields\": {\"tweede-weging.urgentie\": \"hoog\"}}"),
            (overleg, "zvh", "PUT", "/fields", "{\"purpose\": \"casusoverleg\"}"),
            (overleg, "zvh", "PUT", "/fields", "{\"purpose\": \"casusoverleg\", \"fields\": {\"tweede-weging.bedenktijd-ingangsdatum\": \"GEHEIM 3 mei\"}}"),
            (overleg, "zvh", "PUT", "/rasci/uitvoering", "{}"),
            (overleg, "zvh", "PUT", "/rasci/uitvoering", "{\"assignments\": {}}"),
            (overleg, "zvh", "PUT", "/rasci/uitvoering", "{\"assignments\": {\"politie\": \"Z\"}}"),
            (overleg, "zvh", "PUT", "/rasci/uitvoering", "{\"assignments\": {\"kmar\": \"C\"}}"),
            (overleg, "zvh", "PUT", "/rasci/uitvoering", "{\"assignments\": {\"ngo\": \"R\"}}"),
            (overleg, "zvh", "PUT", "/rasci/stap-x", "{\"assignments\": {\"politie\": \"R\"}}"),
            (overleg, "zvh", "POST", "/invitations", "{\"partner\": \"politie\", \"until\": \"2099-01-01T00:00:00Z\"}"),
            (overleg, "zvh", "POST", "/invitations", "{\"partner\": \"kmar\"}"),
            (overleg, "zvh", "POST", "/invitations", "{\"partner\": \"kmar\", \"until\": \"volgende week\"}"),
            (overleg, "zvh", "POST", "/invitations", "{\"partner\": \"kmar\", \"until\": \"2001-01-01T00:00:00Z\"}"),
            (overleg, "zvh", "POST", "/invitations", "{\"until\": \"2099-01-01T00:00:00Z\"}"),
            (overleg, "zvh", "DELETE", "/invitations/politie", null),
            (overleg, "zvh", "DELETE", "/invitations/onbekend", null),
            (uitvoering, "zvh", "POST", "/closure", "{}"),
            (uitvoering, "zvh", "POST", "/closure", "{\"reason\": \"opgelost\"}"),
            (uitvoering, "zvh", "POST", "/closure", "{\"reason\": [\"afgerond\"]}"),
            (uitvoering, "zvh", "GET", "/data?purpose=zorgcoordinatie&fields=persoon.bestaat-niet", null),
        ];
        var before = (await hub.SnapshotAsync(overleg), await hub.SnapshotAsync(uitvoering));
        foreach (var (p, partner, method, path, json) in bad)
        {
            using var response = await hub.SendRawAsync(partner, new HttpMethod(method), $"/cases/{p}{path}", json);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path} {json?[..Math.Min(json.Length, 80)]}: {(int)response.StatusCode} {text}");
            await Hosting.ProblemDetailsTests.AssertProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.DoesNotContain("GEHEIM", text, StringComparison.Ordinal);
        }

        Assert.Equal(before, (await hub.SnapshotAsync(overleg), await hub.SnapshotAsync(uitvoering)));
        Assert.DoesNotContain("GEHEIM", hub.Factory.Logs.All, StringComparison.Ordinal);
        // Every refused body is in the access log as an error, also those the framework refused before any handler
        // ran (not JSON, of the wrong JSON type, a required member missing).
        var errors = await hub.LogAsync(r => (r.Case?.Value == overleg || r.Case?.Value == uitvoering) && r.Decision == AccessDecision.Error);
        Assert.True(errors.Count == bad.Length, string.Join("\n", errors.Select(e => $"{e.Record.Operation} {e.Record.Subject}")));
    }

    /// <summary>One case in each step and one closed, each with kmar invited; refusals change nothing, so they share them.</summary>
    private static async Task<Dictionary<string, string>> CasesInEveryStateAsync(CaseHub hub)
    {
        var cases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var step in new[] { "melding", "eerste-weging", "casusoverleg", "uitvoering", "nazorg", "closed" })
        {
            var p = await hub.NewCaseAsync();
            await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{p}/invitations", new { partner = "kmar", until = DateTimeOffset.UtcNow.AddDays(30) });
            await hub.MoveToAsync(p, step == "closed" ? "uitvoering" : step);
            if (step == "closed")
            {
                await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{p}/closure", new { reason = "afgerond" });
            }

            cases[step] = p;
        }

        return cases;
    }
}
