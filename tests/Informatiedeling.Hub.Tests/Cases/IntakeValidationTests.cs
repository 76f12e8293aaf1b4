using System.Net;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>
/// Intake refuses what it cannot index or store honestly — no person, a blank name, a name with a NUL, a date of
/// birth ahead, a negative age, a member the contract does not have — each a 400 that names the member (never its
/// value), recorded in the access log, nothing stored; field values are taken in the JSON type the catalogue gives them.
/// </summary>
public sealed class IntakeValidationTests
{
    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    /// <summary>A report body, refused as a whole or at one member, and the member the problem must name.</summary>
    public static TheoryData<string, string, string> Refused => new()
    {
        { "no person", """{"fields":{"melding.inhoud":"signaal"}}""", "person" },
        { "empty name", """{"person":{"fullName":"","dateOfBirth":"1990-01-01"},"fields":{}}""", "person.fullName" },
        { "blank name", """{"person":{"fullName":"   ","dateOfBirth":"1990-01-01"},"fields":{}}""", "person.fullName" },
        { "NUL in the name", """{"person":{"fullName":"Ana\u0000de Vries","dateOfBirth":"1990-01-01"},"fields":{}}""", "person.fullName" },
        { "born in the future", """{"person":{"fullName":"Ana de Vries","dateOfBirth":"2999-01-01"},"fields":{}}""", "person.dateOfBirth" },
        { "negative age", """{"person":{"fullName":"Ana de Vries","dateOfBirth":"1990-01-01"},"fields":{"persoon.leeftijd":-3}}""", "fields['persoon.leeftijd']" },
        { "unknown member", """{"person":{"fullName":"Ana de Vries","dateOfBirth":"1990-01-01","bsn":"123456782"},"fields":{}}""", "person.bsn" },
        { "a yes/no field as a string", """{"person":{"fullName":"Ana de Vries","dateOfBirth":"1990-01-01"},"fields":{"melding.politie-gebeld":"true"}}""", "fields['melding.politie-gebeld']" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Each_refused_report_is_a_400_naming_the_member_logged_and_stores_nothing(string what, string body, string member)
    {
        await using var hub = await CaseHub.StartAsync("sqlite");
        using var response = await hub.SendRawAsync("veilig-thuis", HttpMethod.Post, "/cases", body);
        var problem = await Hosting.ProblemDetailsTests.AssertProblemAsync(response, HttpStatusCode.BadRequest);

        Assert.True(ErrorKeys(problem).Contains(member), $"{what}: the problem names {string.Join(", ", ErrorKeys(problem))}, not {member}: {problem}");
        foreach (var value in new[] { "123456782", "Ana", "2999", "-3" })
        {
            Assert.DoesNotContain(value, problem.ToString(), StringComparison.Ordinal);
        }

        var logged = Assert.Single(await hub.LogAsync(r => r.Operation == "case.intake"));
        Assert.Equal(AccessDecision.Error, logged.Record.Decision);
        Assert.Equal(0, await CasesAsync(hub));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_report_with_fields_the_reporting_point_may_not_write_is_refused_logged_and_stores_nothing(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        using var response = await hub.SendAsync("veilig-thuis", HttpMethod.Post, "/cases", Reports.Intake(
            "Persoon Weigering", new DateOnly(1990, 1, 2),
            new Dictionary<string, string> { ["persoon.achternaam"] = "Weigering", ["voortgang.strafrechtelijk-onderzoek-notities"] = "geheim" }));
        var problem = await Hosting.ProblemDetailsTests.AssertProblemAsync(response, HttpStatusCode.Forbidden);

        Assert.DoesNotContain("geheim", problem.ToString(), StringComparison.Ordinal);
        var logged = Assert.Single(await hub.LogAsync(r => r.Operation == "case.intake"));
        Assert.Equal(AccessDecision.Deny, logged.Record.Decision);
        Assert.Null(logged.Record.Case);
        Assert.Equal(["strafrechtelijk"], logged.Record.CategoriesRequested);
        Assert.Equal(0, await CasesAsync(hub));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Two_blank_named_reports_about_different_people_born_on_one_day_open_no_file(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        foreach (var (name, inhoud) in new[] { (" ", "signaal over persoon A"), ("\t", "signaal over persoon B") })
        {
            using var response = await hub.SendAsync("veilig-thuis", HttpMethod.Post, "/cases",
                new { person = new { fullName = name, dateOfBirth = "2001-05-05" }, fields = new Dictionary<string, string> { ["melding.inhoud"] = inhoud } });
            var problem = await Hosting.ProblemDetailsTests.AssertProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.Contains("person.fullName", ErrorKeys(problem));
        }

        Assert.Equal(0, await CasesAsync(hub));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Field_values_are_taken_in_the_JSON_type_of_the_catalogue(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        using var response = await hub.SendRawAsync("veilig-thuis", HttpMethod.Post, "/cases", """
            {"person":{"fullName":"Ana de Vries","dateOfBirth":"1990-01-01"},
             "fields":{"melding.politie-gebeld":true,"melding.hulpverlening-betrokken":false,"persoon.leeftijd":36,
                       "persoon.geboortedatum":"1990-01-01","melding.uitbuitingsvorm":"arbeid","melding.inhoud":"signaal"}}
            """);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var pseudonym = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("pseudonym").GetString();

        var fields = (await hub.OkAsync("veilig-thuis", HttpMethod.Get, $"/cases/{pseudonym}/data?purpose=signalering-en-weging")).GetProperty("fields");
        Assert.Equal("true", fields.GetProperty("melding.politie-gebeld").GetString());
        Assert.Equal("false", fields.GetProperty("melding.hulpverlening-betrokken").GetString());
        Assert.Equal("36", fields.GetProperty("persoon.leeftijd").GetString());

        foreach (var (field, value) in new[] { ("persoon.leeftijd", "\"36\""), ("persoon.leeftijd", "36.5"), ("melding.inhoud", "12"), ("melding.politie-gebeld", "1"), ("persoon.geboortedatum", "null") })
        {
            using var wrong = await hub.SendRawAsync("veilig-thuis", HttpMethod.Post, "/cases",
                $$$"""{"person":{"fullName":"Bo de Vries","dateOfBirth":"1990-01-01"},"fields":{"{{{field}}}":{{{value}}}}}""");
            var problem = await Hosting.ProblemDetailsTests.AssertProblemAsync(wrong, HttpStatusCode.BadRequest);
            Assert.Contains($"fields['{field}']", ErrorKeys(problem));
        }
    }

    internal static HashSet<string> ErrorKeys(JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
            ? [.. errors.EnumerateObject().Select(e => e.Name)]
            : [];

    private static async Task<int> CasesAsync(CaseHub hub)
    {
        await using var db = await hub.Factory.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        return await db.Cases.CountAsync();
    }
}
