using System.Net;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>
/// A case through the whole chain process over HTTP, each action by the partner and role the convenant gives it,
/// on both engines: what each action changes, that the change shows in what partners see, and that every change
/// was recorded in the access log (with the rule that permitted it) before it was made.
/// </summary>
public sealed class LifecycleFlowTests
{
    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_case_runs_from_report_to_closure_each_action_by_its_role_and_each_change_logged(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var p = await hub.NewCaseAsync(new() { ["persoon.adres"] = "Geheimstraat 12", ["melding.uitbuitingsvorm"] = "seksueel" });

        // Melding: process direction is I and sees the case's metadata only.
        var summary = await hub.OkAsync("zvh", HttpMethod.Get, $"/cases/{p}");
        Assert.Equal("melding", summary.GetProperty("step").GetString());
        Assert.Equal("open", summary.GetProperty("status").GetString());
        Assert.Equal("I", summary.GetProperty("yourRole").GetString());
        Assert.Equal(["melding"], Steps(summary));

        // The reporting point (R and A in melding) finishes it and records the first weighing.
        var moved = await hub.OkAsync("veilig-thuis", HttpMethod.Post, $"/cases/{p}/step", new { from = "melding" });
        Assert.Equal("eerste-weging", moved.GetProperty("step").GetString());
        Assert.Equal("R", moved.GetProperty("yourRole").GetString());
        Assert.Equal(["melding", "eerste-weging"], Steps(moved));
        var weighed = await hub.OkAsync("veilig-thuis", HttpMethod.Post, $"/cases/{p}/weighings", new
        {
            weighing = "eerste-weging",
            fields = new Dictionary<string, string> { ["eerste-weging.veiligheid"] = "onveilig", ["eerste-weging.dreiging"] = "Dreiging door X" },
        });
        Assert.Equal(["eerste-weging.dreiging", "eerste-weging.veiligheid"], weighed.GetProperty("fieldsWritten").EnumerateArray().Select(f => f.GetString()!));
        var read = await hub.OkAsync("veilig-thuis", HttpMethod.Get, $"/cases/{p}/data?purpose=signalering-en-weging&fields=eerste-weging.veiligheid");
        Assert.Equal("onveilig", read.GetProperty("fields").GetProperty("eerste-weging.veiligheid").GetString());
        Assert.Single(read.GetProperty("fields").EnumerateObject());

        // Process direction (A) moves on, invites a shell partner, records the second weighing, sets the roles of uitvoering.
        await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{p}/step", new { from = "eerste-weging" });
        var until = DateTimeOffset.UtcNow.AddDays(30);
        await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{p}/invitations", new { partner = "kmar", until });
        Assert.Equal("C", (await hub.OkAsync("kmar", HttpMethod.Get, $"/cases/{p}")).GetProperty("yourRole").GetString());
        await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{p}/weighings", new { weighing = "tweede-weging", fields = new Dictionary<string, string> { ["tweede-weging.uitkomst"] = "mensenhandel-en-zorg" } });
        await hub.OkAsync("zvh", HttpMethod.Put, $"/cases/{p}/rasci/uitvoering", new
        {
            assignments = new Dictionary<string, string> { ["politie"] = "R", ["om"] = "A", ["zvh"] = "A", ["zorgcoordinatie"] = "R", ["gemeente"] = "R", ["veilig-thuis"] = "I" },
        });
        var inUitvoering = await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{p}/step", new { from = "casusoverleg" });
        Assert.Equal(["melding", "eerste-weging", "casusoverleg", "uitvoering"], Steps(inUitvoering));
        Assert.Equal("C", (await hub.OkAsync("kmar", HttpMethod.Get, $"/cases/{p}")).GetProperty("yourRole").GetString());

        // The municipality writes because process direction made it R here (by default it is S and could not).
        await hub.OkAsync("gemeente", HttpMethod.Put, $"/cases/{p}/fields", new { purpose = "zorgcoordinatie", fields = new Dictionary<string, string> { ["voortgang.interventie"] = "Geheime interventie 7731" } });
        var care = await hub.OkAsync("zorgcoordinatie", HttpMethod.Get, $"/cases/{p}/data?purpose=zorgcoordinatie&fields=voortgang.interventie");
        Assert.Equal("Geheime interventie 7731", care.GetProperty("fields").GetProperty("voortgang.interventie").GetString());

        // The invitation ends now: the shell partner no longer sees the case at all.
        using (var withdrawn = await hub.SendAsync("zvh", HttpMethod.Delete, $"/cases/{p}/invitations/kmar"))
        {
            Assert.Equal(HttpStatusCode.NoContent, withdrawn.StatusCode);
        }

        using (var gone = await hub.SendAsync("kmar", HttpMethod.Get, $"/cases/{p}"))
        {
            await Hosting.ProblemDetailsTests.AssertProblemAsync(gone, HttpStatusCode.NotFound);
        }

        var closed = await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{p}/closure", new { reason = "hulp-geweigerd" });
        Assert.Equal("closed", closed.GetProperty("status").GetString());
        Assert.Equal("hulp-geweigerd", closed.GetProperty("closureReason").GetString());
        Assert.Equal(JsonValueKind.String, closed.GetProperty("closedAt").ValueKind);
        Assert.Equal("A", closed.GetProperty("yourRole").GetString());

        // Every change is in the log as permitted by the action's rule, in the order it was made.
        var permits = (await hub.LogAsync(r => r.Case?.Value == p && r.Decision == AccessDecision.Permit && r.Operation!.StartsWith("case.", StringComparison.Ordinal) && r.Operation != "case.read" && r.Operation != "case.summary"))
            .Select(r => $"{r.Record.Operation} {r.Record.Rule} {r.Record.ActorPartner} {r.Record.Subject}").ToList();
        Assert.Equal(
            [
                "case.intake handeling-melding-aannemen veilig-thuis ",
                "case.step handeling-stap-afronden veilig-thuis step:melding>eerste-weging",
                "case.weighing handeling-weging-vastleggen veilig-thuis weighing:eerste-weging",
                "case.step handeling-stap-afronden zvh step:eerste-weging>casusoverleg",
                $"case.invite handeling-rasci-instellen zvh invitation:kmar:{until.ToUniversalTime():O}",
                "case.weighing handeling-weging-vastleggen zvh weighing:tweede-weging",
                "case.rasci handeling-rasci-instellen zvh rasci:uitvoering",
                "case.step handeling-stap-afronden zvh step:casusoverleg>uitvoering",
                "case.write handeling-velden-schrijven gemeente ",
                "case.invite-withdraw handeling-rasci-instellen zvh invitation:kmar",
                "case.close handeling-dossier-sluiten zvh closure:hulp-geweigerd",
            ],
            permits);
        var write = Assert.Single(await hub.LogAsync(r => r.Case?.Value == p && r.Operation == "case.write"));
        Assert.Equal("zorgcoordinatie", write.Record.Purpose?.Value);
        Assert.Equal("R", write.Record.Role);
        Assert.Equal(["dynamisch"], write.Record.CategoriesRequested);

        // Names, never values: neither the hub's own logs nor the access log hold a field value.
        var all = JsonSerializer.Serialize((await hub.LogAsync()).Select(r => r.Record));
        foreach (var value in new[] { "Geheimstraat 12", "Dreiging door X", "Geheime interventie 7731" })
        {
            Assert.DoesNotContain(value, hub.Factory.Logs.All, StringComparison.Ordinal);
            Assert.DoesNotContain(value, all, StringComparison.Ordinal);
        }

        Assert.Contains(hub.Factory.Logs.Lines, l => l.Contains($"Case {p} closed (hulp-geweigerd)", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Of_concurrent_moves_from_one_step_exactly_one_wins_and_no_step_is_skipped(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        await hub.WarmTokensAsync("zvh", "veilig-thuis");
        var p = await hub.NewCaseAsync();
        await hub.MoveToAsync(p, "eerste-weging");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => hub.SendAsync("zvh", HttpMethod.Post, $"/cases/{p}/step", new { from = "eerste-weging" })));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var summary = await hub.OkAsync("zvh", HttpMethod.Get, $"/cases/{p}");
        Assert.Equal("casusoverleg", summary.GetProperty("step").GetString());
        Assert.Equal(["melding", "eerste-weging", "casusoverleg"], Steps(summary));

        await hub.MoveToAsync(p, "uitvoering");
        var closures = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => hub.SendAsync("zvh", HttpMethod.Post, $"/cases/{p}/closure", new { reason = i % 2 == 0 ? "afgerond" : "overleden" })));
        Assert.Single(closures, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(closures.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.True(r.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.Forbidden, r.StatusCode.ToString()));
        Assert.Contains("evaluations 1", await hub.SnapshotAsync(p), StringComparison.Ordinal);
        foreach (var response in responses.Concat(closures))
        {
            response.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_weighing_racing_a_step_move_lands_before_the_move_or_not_at_all(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        await hub.WarmTokensAsync("zvh", "veilig-thuis");
        var cases = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var p = await hub.NewCaseAsync();
            await hub.MoveToAsync(p, "casusoverleg");
            cases.Add(p);
        }

        var outcomes = await Task.WhenAll(cases.Select(async p =>
        {
            var weighing = hub.SendAsync("zvh", HttpMethod.Post, $"/cases/{p}/weighings", new { weighing = "tweede-weging", fields = new Dictionary<string, string> { ["tweede-weging.urgentie"] = "spoed" } });
            var move = hub.SendAsync("zvh", HttpMethod.Post, $"/cases/{p}/step", new { from = "casusoverleg" });
            using var w = await weighing;
            using var m = await move;
            return (Case: p, Weighing: w.StatusCode, Move: m.StatusCode);
        }));

        foreach (var (p, weighing, move) in outcomes)
        {
            Assert.Equal(HttpStatusCode.OK, move);
            var written = (await hub.SnapshotAsync(p)).Contains("field tweede-weging.urgentie", StringComparison.Ordinal);
            Assert.True(weighing is HttpStatusCode.OK or HttpStatusCode.Conflict or HttpStatusCode.Forbidden, $"{p}: {weighing}");
            Assert.Equal(weighing == HttpStatusCode.OK, written);
        }
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Without_the_access_log_no_change_is_made(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var p = await hub.NewCaseAsync();
        await hub.MoveToAsync(p, "uitvoering");
        await hub.WarmTokensAsync("zvh", "zorgcoordinatie");
        var before = await hub.SnapshotAsync(p);

        await using var db = await AccessLog.AccessLogs.OpenDatabaseAsync(hub.Factory);
        await AccessLog.AccessLogs.RefuseAccessLogInsertsAsync(db, engine);
        (string Partner, HttpMethod Method, string Path, object Body)[] changes =
        [
            ("zvh", HttpMethod.Post, $"/cases/{p}/step", new { from = "uitvoering" }),
            ("zvh", HttpMethod.Post, $"/cases/{p}/closure", new { reason = "afgerond" }),
            ("zvh", HttpMethod.Post, $"/cases/{p}/invitations", new { partner = "ggd", until = DateTimeOffset.UtcNow.AddDays(3) }),
            ("zvh", HttpMethod.Put, $"/cases/{p}/rasci/nazorg", new { assignments = new Dictionary<string, string> { ["gemeente"] = "R" } }),
            ("zorgcoordinatie", HttpMethod.Put, $"/cases/{p}/fields", new { purpose = "zorgcoordinatie", fields = new Dictionary<string, string> { ["voortgang.nazorg"] = "overdracht" } }),
        ];
        foreach (var (partner, method, path, body) in changes)
        {
            using var response = await hub.SendAsync(partner, method, path, body);
            var problem = await Hosting.ProblemDetailsTests.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("Access log unavailable", problem.GetProperty("title").GetString());
        }

        Assert.Equal(before, await hub.SnapshotAsync(p));
        await AccessLog.AccessLogs.AllowAccessLogInsertsAsync(db, engine);
    }

    internal static string[] Steps(JsonElement summary) =>
        [.. summary.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("step").GetString()!)];
}
