using System.Net;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Monitoring;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>
/// Monitoring of nature and scale (art. 3.8): aggregated counts for the core partners only, no count below five
/// shown (nor one that would give such a count away), every request in the access log.
/// </summary>
public sealed class MonitoringTests
{
    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Counts_below_five_read_as_small_and_so_does_a_count_that_would_give_one_away(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        for (var i = 0; i < 6; i++)
        {
            await hub.NewCaseAsync(Report("seksueel"));
        }

        for (var i = 0; i < 2; i++)
        {
            await hub.NewCaseAsync(Report("overig"));
        }

        for (var i = 0; i < 5; i++)
        {
            var p = await hub.NewCaseAsync(Report("crimineel"));
            await hub.MoveToAsync(p, "casusoverleg");
            await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{p}/weighings", new { weighing = "tweede-weging", fields = new Dictionary<string, string> { ["tweede-weging.uitkomst"] = "geen-mensenhandel-wel-zorg" } });
        }

        for (var i = 0; i < 6; i++)
        {
            await hub.ClosedCaseAsync("arbeid", "mensenhandel-en-zorg", i < 5 ? "afgerond" : "overleden");
        }

        var figures = await hub.OkAsync("politie", HttpMethod.Get, "/monitoring?purpose=monitoring");

        Assert.Equal(new Dictionary<string, string> { ["open"] = "13", ["closed"] = "6" }, Strings(figures.GetProperty("cases")));
        Assert.Equal(
            new Dictionary<string, string> { ["seksueel"] = "6", ["arbeid"] = "6", ["crimineel"] = "5", ["orgaanverwijdering"] = "<5", ["overig"] = "<5" },
            Strings(figures.GetProperty("byExploitationType")));
        Assert.Equal(
            new Dictionary<string, string> { ["melding"] = "8", ["eerste-weging"] = "<5", ["casusoverleg"] = "5", ["uitvoering"] = "<5", ["nazorg"] = "<5" },
            Strings(figures.GetProperty("byStep")));
        // Only 'geen-mensenhandel-geen-zorg' (0) is below five; 'geen-mensenhandel-wel-zorg' (5) is hidden as well,
        // because with the other two shown the hidden one would follow from the total.
        Assert.Equal(
            new Dictionary<string, string> { ["mensenhandel-en-zorg"] = "6", ["geen-mensenhandel-wel-zorg"] = "<5", ["geen-mensenhandel-geen-zorg"] = "<5" },
            Strings(figures.GetProperty("byOutcome")));
        Assert.Equal(
            new Dictionary<string, string> { ["afgerond"] = "5", ["vertrokken-onbekend"] = "<5", ["hulp-geweigerd"] = "<5", ["teruggekeerd-herkomstland"] = "<5", ["overleden"] = "<5" },
            Strings(figures.GetProperty("byClosureReason")));
        Assert.Equal(JsonValueKind.String, figures.GetProperty("generatedAt").ValueKind);

        var record = Assert.Single(await hub.LogAsync(r => r.Operation == "monitoring.read"));
        Assert.Equal((AccessDecision.Permit, "doel-monitoring", "3.8", "monitoring", "politie"), (record.Record.Decision, record.Record.Rule, record.Record.Article, record.Record.Purpose?.Value, record.Record.ActorPartner?.Value));
        Assert.Null(record.Record.Case);
    }

    [Fact]
    public async Task Partners_outside_the_core_and_other_purposes_get_403_with_the_reason_and_rule()
    {
        await using var hub = await CaseHub.StartAsync("sqlite");
        await hub.NewCaseAsync();

        foreach (var (partner, query, status, rule) in new[]
        {
            ("riec", "?purpose=monitoring", HttpStatusCode.Forbidden, "doel-monitoring"),
            ("kmar", "?purpose=monitoring", HttpStatusCode.Forbidden, "doel-monitoring"),
            ("zvh", "?purpose=evaluatie", HttpStatusCode.Forbidden, "doel-evaluatie"),
            ("politie", "?purpose=strafrechtelijke-handhaving", HttpStatusCode.Forbidden, "doel-strafrechtelijke-handhaving"),
            ("gemeente", "?purpose=verkoop", HttpStatusCode.Forbidden, "onbekend"),
            ("gemeente", "", HttpStatusCode.BadRequest, null),
        })
        {
            using var response = await hub.SendAsync(partner, HttpMethod.Get, $"/monitoring{query}");
            var problem = await Hosting.ProblemDetailsTests.AssertProblemAsync(response, status);
            Assert.False(problem.TryGetProperty("cases", out _));
            if (rule is not null)
            {
                Assert.Equal(rule, problem.GetProperty("rule").GetString());
                Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
            }
        }

        var riec = Assert.Single(await hub.LogAsync(r => r.Operation == "monitoring.read" && r.ActorPartner?.Value == "riec"));
        Assert.Equal((AccessDecision.Deny, "doel-monitoring"), (riec.Record.Decision, riec.Record.Rule));
        Assert.Equal(5, (await hub.LogAsync(r => r.Operation == "monitoring.read" && r.Decision == AccessDecision.Deny)).Count);
        Assert.Single(await hub.LogAsync(r => r.Operation == "monitoring.read" && r.Decision == AccessDecision.Error));
    }

    [Fact]
    public void A_dimension_hides_small_counts_and_the_smallest_shown_one_when_only_one_would_be_hidden()
    {
        string[] keys = ["a", "b", "c", "d"];
        Assert.Equal(
            new Dictionary<string, string> { ["a"] = "7", ["b"] = "<5", ["c"] = "<5", ["d"] = "12" },
            SmallCounts.Dimension(keys, new Dictionary<string, int> { ["a"] = 7, ["b"] = 4, ["c"] = 6, ["d"] = 12 }));
        Assert.Equal(
            new Dictionary<string, string> { ["a"] = "7", ["b"] = "<5", ["c"] = "<5", ["d"] = "12" },
            SmallCounts.Dimension(keys, new Dictionary<string, int> { ["a"] = 7, ["b"] = 1, ["d"] = 12 }));
        Assert.Equal(
            new Dictionary<string, string> { ["a"] = "5", ["b"] = "9", ["c"] = "5", ["d"] = "12" },
            SmallCounts.Dimension(keys, new Dictionary<string, int> { ["a"] = 5, ["b"] = 9, ["c"] = 5, ["d"] = 12 }));
        Assert.Equal(
            new Dictionary<string, string> { ["a"] = "<5", ["b"] = "<5", ["c"] = "<5", ["d"] = "<5" },
            SmallCounts.Dimension(keys, new Dictionary<string, int>()));
        Assert.Equal(["<5", "<5", "5"], new[] { 0, 4, 5 }.Select(SmallCounts.One));
    }

    private static Dictionary<string, string> Report(string exploitationType) =>
        new() { ["persoon.achternaam"] = "Jansen", ["melding.uitbuitingsvorm"] = exploitationType };

    private static Dictionary<string, string> Strings(JsonElement element) =>
        element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
}
