using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Hub.Cases;
using Informatiedeling.Storage.AccessLog;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>
/// The case API over HTTP with tokens from the development issuer: intake by the reporting point, reads under a
/// purpose with what was withheld and why, a case without a role answering exactly like no case, every request
/// in the access log before anything leaves.
/// </summary>
public sealed class CaseApiTests : IAsyncLifetime
{
    private static readonly LogReader Auditor = new("fg-1", null, "functionaris-gegevensbescherming", null);
    private readonly HubFactory _hub = HubFactory.OnSqlite(new Dictionary<string, string?> { ["Authentication:DevelopmentIssuer:Enabled"] = "true" }, environment: "Development");
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _hub.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task The_reporting_point_opens_a_file_and_a_second_report_on_the_same_person_joins_it()
    {
        var first = await IntakeAsync("veilig-thuis", Report("Ana de Vries"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var created = (await first.Content.ReadFromJsonAsync<IntakeResult>())!;
        Assert.True(created.Created);
        Assert.Equal($"/cases/{created.Pseudonym}", first.Headers.Location!.OriginalString);

        var second = await IntakeAsync("veilig-thuis", Report("ANA  DE VRIES", inhoud: "tweede signaal"));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(new IntakeResult(created.Pseudonym, false), await second.Content.ReadFromJsonAsync<IntakeResult>());

        // Added as its own entry: the file's own value stays as the first report wrote it.
        var data = await ReadAsync("veilig-thuis", created.Pseudonym, "purpose=signalering-en-weging");
        Assert.Equal("signaal over uitbuiting", data.GetProperty("fields").GetProperty("melding.inhoud").GetString());
        var added = Assert.Single(data.GetProperty("reports").EnumerateArray());
        Assert.Equal("tweede signaal", added.GetProperty("fields").GetProperty("melding.inhoud").GetString());
    }

    [Fact]
    public async Task A_read_releases_what_the_role_may_see_names_what_was_withheld_and_is_logged_by_field_name()
    {
        var pseudonym = await NewCaseAsync();
        var data = await ReadAsync("veilig-thuis", pseudonym, "purpose=signalering-en-weging");

        var fields = data.GetProperty("fields");
        Assert.Equal("de Vries", fields.GetProperty("persoon.achternaam").GetString());
        Assert.Equal("buurvrouw", fields.GetProperty("melding.melder-naam").GetString());
        var withheld = Assert.Single(data.GetProperty("withheld").EnumerateArray());
        Assert.Equal("strafrechtelijk", withheld.GetProperty("category").GetString());
        Assert.Equal("hek-strafrechtelijk", withheld.GetProperty("rule").GetString());
        Assert.Equal("7.1", withheld.GetProperty("article").GetString());
        Assert.Equal("doel-signalering-en-weging", data.GetProperty("rule").GetString());

        var reads = await LogAsync(r => r.Operation == "case.read" && r.Decision == AccessDecision.Partial);
        var record = Assert.Single(reads);
        Assert.Equal(pseudonym, record.Case!.Value.Value);
        Assert.Contains("persoon.achternaam", record.FieldsReleased);
        Assert.Contains("strafrechtelijk", record.CategoriesWithheld);
        Assert.Equal("vt-user", record.ActorUser);
        Assert.NotNull(record.PolicySetHash);
        Assert.DoesNotContain("de Vries", JsonSerializer.Serialize(record), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_case_without_a_role_answers_exactly_like_a_case_that_does_not_exist()
    {
        var pseudonym = await NewCaseAsync();

        var noRole = await RawReadAsync("politie", pseudonym, "purpose=signalering-en-weging");
        var missing = await RawReadAsync("politie", "cs-0123456789abcdefghjkmnpqrs", "purpose=signalering-en-weging");
        var malformed = await RawReadAsync("politie", "../../etc", "purpose=signalering-en-weging");
        var typo = await RawReadAsync("politie", pseudonym, "purpose=signalerng");

        foreach (var response in new[] { noRole, missing, malformed, typo })
        {
            var problem = await Hosting.ProblemDetailsTests.AssertProblemAsync(response, HttpStatusCode.NotFound);
            Assert.Equal("Case not found", problem.GetProperty("title").GetString());
            Assert.Equal("There is no case with this pseudonym that you may see.", problem.GetProperty("detail").GetString());
            Assert.False(problem.TryGetProperty("rule", out _));
        }

        Assert.Equal(4, (await LogAsync(r => r.Operation == "case.read" && r.Decision == AccessDecision.Deny)).Count);
    }

    [Fact]
    public async Task A_missing_purpose_is_a_400_and_an_unknown_one_a_403_naming_it_both_logged()
    {
        var pseudonym = await NewCaseAsync();

        var missing = await Hosting.ProblemDetailsTests.AssertProblemAsync(await RawReadAsync("veilig-thuis", pseudonym, ""), HttpStatusCode.BadRequest);
        Assert.Contains("purpose", missing.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var unknown = await Hosting.ProblemDetailsTests.AssertProblemAsync(await RawReadAsync("veilig-thuis", pseudonym, "purpose=verkoop"), HttpStatusCode.Forbidden);
        Assert.StartsWith("unknown purpose 'verkoop'", unknown.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("7.6", unknown.GetProperty("article").GetString());

        Assert.Single(await LogAsync(r => r.Operation == "case.read" && r.Decision == AccessDecision.Error));
        Assert.Single(await LogAsync(r => r.Operation == "case.read" && r.Decision == AccessDecision.Deny && r.Rule == "onbekend"));
    }

    [Fact]
    public async Task Only_the_reporting_point_takes_in_reports_and_only_fields_it_may_write_in_a_valid_form()
    {
        var police = await IntakeAsync("politie", Report("Piet Jansen"));
        var refused = await Hosting.ProblemDetailsTests.AssertProblemAsync(police, HttpStatusCode.Forbidden);
        Assert.Equal("handeling-melding-aannemen", refused.GetProperty("rule").GetString());

        var fenced = await IntakeAsync("veilig-thuis", Reports.Intake("Piet Jansen", new DateOnly(1990, 1, 1), new Dictionary<string, object> { ["voortgang.strafrechtelijk-onderzoek"] = true }));
        await Hosting.ProblemDetailsTests.AssertProblemAsync(fenced, HttpStatusCode.Forbidden);

        var malformed = await IntakeAsync("veilig-thuis", Reports.Intake("Piet Jansen", new DateOnly(1990, 1, 1), new Dictionary<string, string> { ["persoon.geboortedatum"] = "12 april SECRET" }));
        var problem = await Hosting.ProblemDetailsTests.AssertProblemAsync(malformed, HttpStatusCode.BadRequest);
        Assert.DoesNotContain("SECRET", problem.ToString(), StringComparison.Ordinal);

        using var garbage = new StringContent("{\"fields\": [", System.Text.Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/cases") { Content = garbage };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync("veilig-thuis", "vt-user"));
        await Hosting.ProblemDetailsTests.AssertProblemAsync(await _client.SendAsync(request), HttpStatusCode.BadRequest);

        using var anonymous = await _client.GetAsync(new Uri("/cases/cs-0123456789abcdefghjkmnpqrs/data?purpose=casusoverleg", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private static IntakeRequest Report(string name, string inhoud = "signaal over uitbuiting") => Reports.Intake(
        name, new DateOnly(1999, 4, 12),
        new Dictionary<string, string>
        {
            ["persoon.achternaam"] = "de Vries",
            ["melding.inhoud"] = inhoud,
            ["melding.melder-naam"] = "buurvrouw",
            ["eerste-weging.dreiging"] = "bedreigd",
        });

    private async Task<string> NewCaseAsync()
    {
        var response = await IntakeAsync("veilig-thuis", Report($"Persoon {Guid.NewGuid():N}"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<IntakeResult>())!.Pseudonym;
    }

    private async Task<HttpResponseMessage> IntakeAsync(string partner, IntakeRequest report)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/cases") { Content = JsonContent.Create(report) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(partner, partner == "veilig-thuis" ? "vt-user" : $"{partner}-user"));
        return await _client.SendAsync(request);
    }

    private async Task<JsonElement> ReadAsync(string partner, string pseudonym, string query)
    {
        using var response = await RawReadAsync(partner, pseudonym, query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<HttpResponseMessage> RawReadAsync(string partner, string pseudonym, string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/cases/{Uri.EscapeDataString(pseudonym)}/data?{query}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(partner, partner == "veilig-thuis" ? "vt-user" : $"{partner}-user"));
        return await _client.SendAsync(request);
    }

    private async Task<string> TokenAsync(string partner, string user)
    {
        using var response = await _client.PostAsJsonAsync("/dev/token", new DevelopmentTokenRequest(partner, user));
        return (await response.Content.ReadFromJsonAsync<DevelopmentToken>())!.AccessToken;
    }

    private async Task<List<AccessRecord>> LogAsync(Func<AccessRecord, bool> predicate)
    {
        var log = _hub.Services.GetRequiredService<IAccessLog>();
        var records = await log.ReadAsync(new AccessLogQuery { Kind = AccessEventKind.AccessDecision, Limit = 10_000 }, Auditor, CancellationToken.None);
        return [.. records.Select(r => r.Record).Where(predicate)];
    }
}
