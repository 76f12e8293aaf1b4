using System.Net;
using System.Text;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>
/// A second report about a person whose file is open is added to that file as its own entry (date, source, content),
/// decided for the case's current step and the reporting point's role there now; it overwrites nothing others wrote
/// and does not reach the evaluation record. Refused with the rule and article where that role may not write, and
/// answered like a missing case where the reporting point has no role at all.
/// </summary>
public sealed class AddedReportTests
{
    private const string Name = "Ana Tweede-Melding";
    private const string Born = "1994-06-30";

    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_report_added_in_uitvoering_is_its_own_entry_and_overwrites_neither_the_weighing_nor_the_evaluation(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var pseudonym = await OpenAsync(hub);
        await hub.MoveToAsync(pseudonym, "casusoverleg");
        await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{pseudonym}/weighings",
            new { weighing = "tweede-weging", fields = new Dictionary<string, string> { ["tweede-weging.uitkomst"] = "mensenhandel-en-zorg" } });
        await hub.MoveToAsync(pseudonym, "uitvoering");
        // Process direction keeps the reporting point involved in uitvoering as S: it may now write there.
        await hub.OkAsync("zvh", HttpMethod.Put, $"/cases/{pseudonym}/rasci/uitvoering", new
        {
            assignments = new Dictionary<string, string> { ["zorgcoordinatie"] = "R", ["politie"] = "R", ["zvh"] = "A", ["om"] = "A", ["gemeente"] = "S", ["veilig-thuis"] = "S" },
        });

        var added = await hub.OkAsync("veilig-thuis", HttpMethod.Post, "/cases", Second("seksueel", "geen-mensenhandel-geen-zorg"));
        Assert.Equal(pseudonym, added.GetProperty("pseudonym").GetString());
        Assert.False(added.GetProperty("created").GetBoolean());

        var data = await hub.OkAsync("zorgcoordinatie", HttpMethod.Get, $"/cases/{pseudonym}/data?purpose=zorgcoordinatie");
        var fields = data.GetProperty("fields");
        Assert.Equal("mensenhandel-en-zorg", fields.GetProperty("tweede-weging.uitkomst").GetString());
        Assert.Equal("arbeid", fields.GetProperty("melding.uitbuitingsvorm").GetString());
        Assert.Equal("eerste signaal", fields.GetProperty("melding.inhoud").GetString());
        var report = Assert.Single(data.GetProperty("reports").EnumerateArray());
        Assert.Equal("veilig-thuis", report.GetProperty("source").GetString());
        Assert.True(report.GetProperty("receivedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Equal("geen-mensenhandel-geen-zorg", report.GetProperty("fields").GetProperty("tweede-weging.uitkomst").GetString());
        Assert.Equal("tweede signaal", report.GetProperty("fields").GetProperty("melding.inhoud").GetString());

        // At rest the entry is ciphertext only, like every field of the file.
        await using (var db = await Database(hub).CreateDbContextAsync())
        {
            var rows = await db.CaseReportFields.AsNoTracking().Where(r => r.Case == pseudonym).ToListAsync();
            Assert.Equal(3, rows.Count);
            Assert.All(rows, r => Assert.DoesNotContain("tweede signaal", Encoding.UTF8.GetString(r.Ciphertext), StringComparison.Ordinal));
        }

        Assert.Single(await hub.LogAsync(r => r.Operation == "case.add-report" && r.Decision == AccessDecision.Permit && r.Case!.Value.Value == pseudonym));

        await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{pseudonym}/closure", new { reason = "afgerond" });
        var evaluation = (await hub.OkAsync("zvh", HttpMethod.Get, $"/cases/{pseudonym}/data?purpose=evaluatie")).GetProperty("evaluation");
        Assert.Equal("mensenhandel-en-zorg", evaluation.GetProperty("outcome").GetString());
        Assert.Equal("arbeid", evaluation.GetProperty("exploitationType").GetString());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Where_the_reporting_point_may_not_write_the_report_is_refused_with_rule_and_article_and_changes_nothing(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var pseudonym = await OpenAsync(hub);
        await hub.MoveToAsync(pseudonym, "uitvoering");
        var before = await hub.SnapshotAsync(pseudonym);

        // In the default uitvoering the reporting point is informed (I), which sees and writes no category.
        using var response = await hub.SendAsync("veilig-thuis", HttpMethod.Post, "/cases", Second("seksueel", "geen-mensenhandel-geen-zorg"));
        var problem = await Hosting.ProblemDetailsTests.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("zicht-i", problem.GetProperty("rule").GetString());
        Assert.Equal("6.4", problem.GetProperty("article").GetString());
        Assert.DoesNotContain("tweede signaal", problem.ToString(), StringComparison.Ordinal);

        Assert.Equal(before, await hub.SnapshotAsync(pseudonym));
        Assert.Equal(0, await ReportRowsAsync(hub, pseudonym));
        Assert.Single(await hub.LogAsync(r => r.Operation == "case.add-report" && r.Decision == AccessDecision.Deny && r.Rule == "zicht-i"));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Without_a_role_in_the_current_step_the_answer_is_that_of_a_case_that_does_not_exist(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var pseudonym = await OpenAsync(hub);
        await hub.MoveToAsync(pseudonym, "nazorg");
        var before = await hub.SnapshotAsync(pseudonym);

        using var response = await hub.SendAsync("veilig-thuis", HttpMethod.Post, "/cases", Second("seksueel", "geen-mensenhandel-geen-zorg"));
        var problem = await Hosting.ProblemDetailsTests.AssertProblemAsync(response, HttpStatusCode.NotFound);
        using var missing = await hub.SendAsync("veilig-thuis", HttpMethod.Get, $"/cases/{ConvenantWalk.NonexistentCase}");
        var expected = await Hosting.ProblemDetailsTests.AssertProblemAsync(missing, HttpStatusCode.NotFound);
        Assert.Equal(expected.GetProperty("title").GetString(), problem.GetProperty("title").GetString());
        Assert.Equal(expected.GetProperty("detail").GetString(), problem.GetProperty("detail").GetString());

        Assert.Equal(before, await hub.SnapshotAsync(pseudonym));
        Assert.Equal(0, await ReportRowsAsync(hub, pseudonym));
        Assert.Single(await hub.LogAsync(r => r.Operation == "case.add-report" && r.Decision == AccessDecision.Deny));
    }

    private static async Task<string> OpenAsync(CaseHub hub)
    {
        using var response = await hub.SendAsync("veilig-thuis", HttpMethod.Post, "/cases", new
        {
            person = new { fullName = Name, dateOfBirth = Born },
            fields = new Dictionary<string, string> { ["persoon.achternaam"] = "Tweede-Melding", ["melding.uitbuitingsvorm"] = "arbeid", ["melding.inhoud"] = "eerste signaal" },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("pseudonym").GetString()!;
    }

    /// <summary>A second report on the same person (the name written differently), with values that differ from the file's.</summary>
    private static object Second(string exploitation, string outcome) => new
    {
        person = new { fullName = "ANA  tweede-melding", dateOfBirth = Born },
        fields = new Dictionary<string, string> { ["melding.uitbuitingsvorm"] = exploitation, ["tweede-weging.uitkomst"] = outcome, ["melding.inhoud"] = "tweede signaal" },
    };

    private static IDbContextFactory<HubDbContext> Database(CaseHub hub) => hub.Factory.Services.GetRequiredService<IDbContextFactory<HubDbContext>>();

    private static async Task<int> ReportRowsAsync(CaseHub hub, string pseudonym)
    {
        await using var db = await Database(hub).CreateDbContextAsync();
        return await db.CaseReportFields.CountAsync(r => r.Case == pseudonym);
    }
}
