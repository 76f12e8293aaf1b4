using System.Net;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Tests.AccessLog;
using Informatiedeling.Hub.Tests.Retention;
using Informatiedeling.Storage;
using Informatiedeling.Storage.Cases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>
/// Reading a closed case (fences 4 and 5): under evaluatie zvh and riec get the anonymous evaluation record and no
/// field; nobody gets a field under any other purpose; the record keeps only enum values and days, and once the case's
/// last categories are purged nothing links it to the case any more, while monitoring still counts it.
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
    public async Task After_the_last_purge_nothing_links_the_evaluation_record_to_the_pseudonym_and_the_case_keeps_only_days(string engine)
    {
        var now = DateTimeOffset.UtcNow;
        var clock = new FakeTimeProvider(now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)));
        await using var hub = await CaseHub.StartAsync(engine, clock);
        await hub.WarmTokensAsync("veilig-thuis", "zvh", "gemeente", "kmar");
        var p = await hub.NewCaseAsync(new() { ["persoon.achternaam"] = "Jansen", ["melding.uitbuitingsvorm"] = "seksueel" });
        await hub.MoveToAsync(p, "casusoverleg");
        await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{p}/invitations", new { partner = "kmar", until = clock.GetUtcNow().AddDays(30) });
        await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{p}/weighings", new { weighing = "tweede-weging", fields = new Dictionary<string, string> { ["tweede-weging.uitkomst"] = "mensenhandel-en-zorg" } });
        await hub.MoveToAsync(p, "uitvoering");
        await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{p}/closure", new { reason = "vertrokken-onbekend" });

        // Before the purge: the evaluatie read finds the record through the case, and monitoring counts it.
        var before = await hub.OkAsync("zvh", HttpMethod.Get, $"/cases/{p}/data?purpose=evaluatie");
        Assert.Equal("seksueel", before.GetProperty("evaluation").GetProperty("exploitationType").GetString());
        var counts = hub.Factory.Services.GetRequiredService<CaseLifecycle>();
        Assert.Equal(1, (await counts.CountAsync(CancellationToken.None)).Closed);
        Guid id;
        await using (var context = await hub.Factory.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync())
        {
            id = (await context.CaseEvaluations.AsNoTracking().SingleAsync()).Id;
        }

        // Every period ends; the tokens were minted before the clock moved (they are checked against the real time).
        clock.Advance(TimeSpan.FromDays(731));
        Assert.Equal(p, Assert.Single((await hub.Factory.Purge().RunAsync()).Purged).Case.Value);

        // Read from the database itself: no row that holds the evaluation record's id holds the pseudonym, no table
        // but the record's own holds its id, and every instant of a row that names the case is a midnight.
        var rows = await CaseDatabaseRowsAsync(hub.Factory);
        var withId = rows.Where(r => r.Values.Any(v => IsGuid(v, id))).ToList();
        Assert.Equal(["case_evaluation_steps", "case_evaluations"], withId.Select(r => r.Table).Distinct().Order(StringComparer.Ordinal));
        Assert.All(withId, r => Assert.DoesNotContain(r.Values, v => Mentions(v, p)));
        var ofCase = rows.Where(r => r.Values.Any(v => Mentions(v, p))).ToList();
        Assert.Contains(ofCase, r => r.Table == "cases");
        var instants = ofCase.SelectMany(r => r.Values.Select(v => (r.Table, At: Instant(v)))).Where(x => x.At is not null).ToList();
        Assert.Contains(instants, x => x.Table == "cases");
        Assert.Contains(instants, x => x.Table == "case_purges");
        Assert.All(instants, x => Assert.True(x.At!.Value.UtcDateTime.TimeOfDay == TimeSpan.Zero, $"{x.Table}: {x.At:O}"));

        await using (var context = await hub.Factory.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync())
        {
            var record = await context.CaseEvaluations.AsNoTracking().Include(e => e.Steps).SingleAsync();
            Assert.Null(record.Case);
            Assert.Equal(("seksueel", "mensenhandel-en-zorg", "vertrokken-onbekend"), (record.ExploitationType, record.Outcome, record.ClosureReason));
            Assert.Equal(4, record.Steps.Count);
        }

        // A partner's read of the purged case still says, per category, on which day it was destroyed; the record no
        // longer comes with it (nothing leads from the case to it), and monitoring still counts it.
        var after = await hub.OkAsync("zvh", HttpMethod.Get, $"/cases/{p}/data?purpose=evaluatie");
        Assert.False(after.TryGetProperty("evaluation", out _));
        Assert.Equal(5, after.GetProperty("destroyed").GetArrayLength());
        Assert.All(after.GetProperty("destroyed").EnumerateArray(), d => Assert.Equal(TimeSpan.Zero, d.GetProperty("destroyedAt").GetDateTimeOffset().UtcDateTime.TimeOfDay));
        Assert.Equal(1, (await counts.CountAsync(CancellationToken.None)).Closed);
        var figures = await hub.OkAsync("gemeente", HttpMethod.Get, "/monitoring?purpose=monitoring");
        Assert.Equal("<5", figures.GetProperty("cases").GetProperty("closed").GetString());
        Assert.DoesNotContain(p, JsonSerializer.Serialize(figures), StringComparison.Ordinal);
    }

    /// <summary>Every row of every table of the case database but the access log's and the scheduler's, as values.</summary>
    private static async Task<List<(string Table, object?[] Values)>> CaseDatabaseRowsAsync(HubFactory hub)
    {
        await using var db = await hub.OpenDatabaseAsync();
        var tables = new List<string>();
        await using (var list = db.CreateCommand())
        {
            list.CommandText = hub.ConnectionString.Length > 0
                ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                : "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var rows = new List<(string, object?[])>();
        foreach (var table in tables.Where(t => !t.StartsWith("access_log", StringComparison.Ordinal) && !t.StartsWith("qrtz_", StringComparison.OrdinalIgnoreCase)))
        {
            await using var select = db.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var values = new object?[reader.FieldCount];
                reader.GetValues(values!);
                rows.Add((table, [.. values.Select(v => v is DBNull ? null : v)]));
            }
        }

        Assert.Contains(rows, r => r.Item1 == "case_evaluations");
        return rows;
    }

    private static bool IsGuid(object? value, Guid id) => value switch
    {
        Guid g => g == id,
        string s => Guid.TryParse(s, out var g) && g == id,
        byte[] b => b.Length == 16 && new Guid(b) == id,
        _ => false,
    };

    private static bool Mentions(object? value, string pseudonym) => value switch
    {
        string s => s.Contains(pseudonym, StringComparison.Ordinal),
        byte[] b => System.Text.Encoding.UTF8.GetString(b).Contains(pseudonym, StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>A stored instant: a timestamp on PostgreSQL, a date-and-time text on SQLite (a date alone is a day already).</summary>
    private static DateTimeOffset? Instant(object? value) => value switch
    {
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
        DateTimeOffset d => d,
        string s when s.Length >= 16 && System.Text.RegularExpressions.Regex.IsMatch(s, @"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")
            && DateTimeOffset.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var d) => d,
        _ => null,
    };
}
