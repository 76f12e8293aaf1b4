using System.Net;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Tests.AccessLog;
using Informatiedeling.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>
/// Reading a closed case (fences 4 and 5): under evaluatie zvh and riec get the anonymous evaluation record and no
/// field; nobody gets a field under any other purpose; the record keeps only enum values and days and outlives the case.
/// </summary>
public sealed class EvaluationTests
{
    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Evaluatie_on_a_closed_case_gives_zvh_and_riec_the_anonymous_record_and_no_field(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var p = await hub.ClosedCaseAsync("crimineel", "geen-mensenhandel-wel-zorg", "teruggekeerd-herkomstland");
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        foreach (var partner in new[] { "zvh", "riec" })
        {
            var data = await hub.OkAsync(partner, HttpMethod.Get, $"/cases/{p}/data?purpose=evaluatie");
            Assert.Empty(data.GetProperty("fields").EnumerateObject());
            Assert.Equal("doel-evaluatie", data.GetProperty("rule").GetString());
            Assert.All(data.GetProperty("withheld").EnumerateArray(), w => Assert.Equal("hek-evaluatie", w.GetProperty("rule").GetString()));
            Assert.Equal(5, data.GetProperty("withheld").GetArrayLength());
            var evaluation = data.GetProperty("evaluation");
            Assert.Equal("crimineel", evaluation.GetProperty("exploitationType").GetString());
            Assert.Equal("geen-mensenhandel-wel-zorg", evaluation.GetProperty("outcome").GetString());
            Assert.Equal("teruggekeerd-herkomstland", evaluation.GetProperty("closureReason").GetString());
            Assert.Equal(today, evaluation.GetProperty("closedAt").GetString());
            Assert.Equal(
                ["melding", "eerste-weging", "casusoverleg", "uitvoering"],
                evaluation.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("step").GetString()!));
            Assert.All(evaluation.GetProperty("steps").EnumerateArray(), s => Assert.Equal(today, s.GetProperty("enteredAt").GetString()));
            Assert.Equal(["exploitationType", "outcome", "closureReason", "closedAt", "steps"], evaluation.EnumerateObject().Select(o => o.Name));
        }

        // A role-holder outside the evaluatie row gets nothing, not even the record; a partner without a role, not even the case.
        var police = await hub.OkAsync("politie", HttpMethod.Get, $"/cases/{p}/data?purpose=evaluatie");
        Assert.Empty(police.GetProperty("fields").EnumerateObject());
        Assert.False(police.TryGetProperty("evaluation", out _));
        using (var ggd = await hub.SendAsync("ggd", HttpMethod.Get, $"/cases/{p}/data?purpose=evaluatie"))
        {
            await Hosting.ProblemDetailsTests.AssertProblemAsync(ggd, HttpStatusCode.NotFound);
        }

        // Fence 5: every other purpose on a closed case releases nothing.
        foreach (var (partner, purpose) in new[] { ("zvh", "casusoverleg"), ("zorgcoordinatie", "zorgcoordinatie"), ("politie", "strafrechtelijke-handhaving"), ("veilig-thuis", "signalering-en-weging") })
        {
            var closed = await hub.OkAsync(partner, HttpMethod.Get, $"/cases/{p}/data?purpose={purpose}");
            Assert.Empty(closed.GetProperty("fields").EnumerateObject());
            Assert.False(closed.TryGetProperty("evaluation", out _));
            Assert.All(closed.GetProperty("withheld").EnumerateArray(), w => Assert.Equal("hek-gesloten-dossier", w.GetProperty("rule").GetString()));
        }

        var logged = await hub.LogAsync(r => r.Case?.Value == p && r.Operation == "case.read" && r.Purpose?.Value == "evaluatie" && r.Subject == "evaluation-record");
        Assert.Equal(["zvh", "riec"], logged.Select(r => r.Record.ActorPartner!.Value.Value));
        Assert.All(logged, r => Assert.Empty(r.Record.FieldsReleased));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task On_an_open_case_evaluatie_gives_no_record_and_riec_without_a_role_does_not_see_the_case(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var p = await hub.NewCaseAsync();
        await hub.MoveToAsync(p, "uitvoering");

        var zvh = await hub.OkAsync("zvh", HttpMethod.Get, $"/cases/{p}/data?purpose=evaluatie");
        Assert.False(zvh.TryGetProperty("evaluation", out _));
        Assert.Empty(zvh.GetProperty("fields").EnumerateObject());
        using var riec = await hub.SendAsync("riec", HttpMethod.Get, $"/cases/{p}/data?purpose=evaluatie");
        await Hosting.ProblemDetailsTests.AssertProblemAsync(riec, HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task The_evaluation_record_holds_enum_values_and_days_only_and_outlives_its_case(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var p = await hub.ClosedCaseAsync("seksueel", "mensenhandel-en-zorg", "vertrokken-onbekend");

        await using var db = await hub.Factory.OpenDatabaseAsync();
        if (engine == "sqlite")
        {
            await db.ExecuteAsync("PRAGMA foreign_keys = ON;");
        }

        await db.ExecuteAsync($"DELETE FROM cases WHERE pseudonym = '{p}'");
        await using var context = await hub.Factory.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        var record = await context.CaseEvaluations.AsNoTracking().Include(e => e.Steps).SingleAsync();
        Assert.Null(record.Case);
        Assert.Equal(("seksueel", "mensenhandel-en-zorg", "vertrokken-onbekend"), (record.ExploitationType, record.Outcome, record.ClosureReason));
        Assert.Equal(4, record.Steps.Count);
        Assert.Equal(0, await context.CaseSteps.CountAsync(s => s.Case == p));

        // The monitoring figures still count it.
        var figures = await hub.OkAsync("gemeente", HttpMethod.Get, "/monitoring?purpose=monitoring");
        Assert.Equal("<5", figures.GetProperty("cases").GetProperty("closed").GetString());
        Assert.DoesNotContain(p, JsonSerializer.Serialize(figures), StringComparison.Ordinal);
        Assert.Single(await hub.LogAsync(r => r.Operation == "monitoring.read" && r.Decision == AccessDecision.Permit));
    }
}
