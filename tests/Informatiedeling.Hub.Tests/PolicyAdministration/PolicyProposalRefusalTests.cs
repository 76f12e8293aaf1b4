using System.Net;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Hub.Tests.Cases;
using Informatiedeling.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Informatiedeling.Hub.Tests.PolicyAdministration.PolicyProposalTests;

namespace Informatiedeling.Hub.Tests.PolicyAdministration;

/// <summary>
/// Bad input changes nothing: a proposal that is not YAML, too large or too deep, has unknown keys, widens beyond the
/// convenant's bounds, fails or drops a test, names the convenant or a strange file, is refused with file, line and
/// column, recorded, and neither stored nor in force. Only the functions a route names are let in.
/// </summary>
public sealed class PolicyProposalRefusalTests
{
    private const string FailingTest = """
        tests:
          - name: de gemeente krijgt exceptioneel in melding
            request: {partner: gemeente, role: I, step: melding, caseStatus: open, purpose: signalering-en-weging, categories: [exceptioneel]}
            expect:
              permit: [exceptioneel]
        """;

    public static TheoryData<string, string, string, string, int, string> BadProposals()
    {
        var retention = Reference("retention.yaml");
        var fences = Reference("fences.yaml");
        var deep = "purposes:\n" + string.Concat(Enumerable.Range(0, 70).Select(i => new string(' ', 2 * i + 2) + "- \n")) + new string(' ', 142) + "x\n";
        var line = retention.Split('\n').ToList().FindIndex(l => l.Contains("category: exceptioneel", StringComparison.Ordinal)) + 1;
        return new()
        {
            { "not YAML", "retention.yaml", "retention:\n  - { id: x, category: [unclosed\n", "retention.yaml", 3, "PL001" },
            { "an unknown key", "retention.yaml", retention.Replace("category: exceptioneel, days: 90", "categorie: exceptioneel, days: 90", StringComparison.Ordinal), "retention.yaml", line, "PL012" },
            { "beyond the convenant's bounds", "retention.yaml", retention.Replace("category: exceptioneel, days: 90", "category: exceptioneel, days: 120", StringComparison.Ordinal), "retention.yaml", line, "" },
            { "too deep", "purposes.yaml", deep, "purposes.yaml", 0, "PL006" },
            { "a failing test", "tests/extra.yaml", FailingTest, "tests/extra.yaml", 2, "PT001" },
            { "the convenant", "convenant.yaml", "convenant: {}\n", "convenant.yaml", 1, "PA002" },
            { "a strange name", "../fences.yaml", fences, "../fences.yaml", 1, "PA003" },
            { "too large", "fences.yaml", fences + "# " + new string('x', 1024 * 1024) + "\n", "fences.yaml", 1, "PL007" },
        };
    }

    [Theory]
    [MemberData(nameof(BadProposals))]
    public async Task A_bad_proposal_is_refused_with_file_line_and_column_and_changes_nothing(string what, string file, string text, string expectedFile, int expectedLine, string code)
    {
        await using var hub = await CaseHub.StartAsync("sqlite");
        var before = await ActiveHashAsync(hub);
        var body = new { title = what, files = new Dictionary<string, string> { [file] = text } };
        using var response = await AsAdmin(hub, HttpMethod.Post, "/policy/proposals", body);
        if (what == "too large")
        {
            // Larger than the hub takes in one request: refused before it is read.
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode}");
        }
        else
        {
            var problem = await JsonOf(response, HttpStatusCode.BadRequest);
            Assert.StartsWith("The proposal is refused", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
            var positions = problem.GetProperty("positions").EnumerateArray().ToList();
            Assert.NotEmpty(positions);
            Assert.Contains(positions, p => p.GetProperty("file").GetString() == expectedFile
                && (expectedLine == 0 || p.GetProperty("line").GetInt32() == expectedLine)
                && p.GetProperty("column").GetInt32() >= 1
                && (code.Length == 0 || p.GetProperty("code").GetString() == code));
            var validate = Assert.Single(await hub.LogAsync(r => r.Operation == "policy.validate", everyKind: true));
            Assert.Equal((AccessEventKind.PolicyChange, AccessDecision.Error), (validate.Record.Kind, validate.Record.Decision));
        }

        Assert.Equal(before, await ActiveHashAsync(hub));
        await using var db = await hub.Factory.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await db.PolicyProposals.CountAsync());
    }

    [Fact]
    public async Task A_proposal_that_drops_a_test_or_changes_nothing_is_refused()
    {
        await using var hub = await CaseHub.StartAsync("sqlite");
        var dropped = await JsonOf(await AsAdmin(hub, HttpMethod.Post, "/policy/proposals", new { title = "Minder tests", files = Shorter(), remove = new[] { "tests/roles.yaml", "tests/fences.yaml" } }), HttpStatusCode.BadRequest);
        Assert.Contains(dropped.GetProperty("positions").EnumerateArray(), p => p.GetProperty("code").GetString() == "PT002");
        var nothing = await JsonOf(await AsAdmin(hub, HttpMethod.Post, "/policy/proposals", new { title = "Niets", files = new Dictionary<string, string> { ["retention.yaml"] = Reference("retention.yaml") } }), HttpStatusCode.BadRequest);
        Assert.Equal("The proposal changes nothing", nothing.GetProperty("title").GetString());
        foreach (var body in new object[] { new { files = Shorter() }, new { title = "x", files = new Dictionary<string, string?> { ["retention.yaml"] = null } }, new { title = "x", from = "abc" } })
        {
            var problem = await JsonOf(await AsAdmin(hub, HttpMethod.Post, "/policy/proposals", body), HttpStatusCode.BadRequest);
            Assert.Matches("'(title|files\\.retention\\.yaml|from)'", problem.GetProperty("detail").GetString());
        }

        using var wrongType = await hub.SendAsAsync("zvh", "fb-1", Admin, HttpMethod.Post, "/policy/proposals", new { title = 5, files = Shorter() });
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Contains("title", await wrongType.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_functions_a_route_names_are_let_in_and_each_refusal_is_recorded()
    {
        await using var hub = await CaseHub.StartAsync("sqlite");
        var body = new { title = "Korter", files = Shorter() };

        // Proposing is the functional administrator's; not an employee's, not a privacy officer's.
        foreach (var function in new string?[] { null, PartnerClaims.PrivacyOfficer, PartnerClaims.PartnerPrivacyOfficer })
        {
            using var refused = await hub.SendAsAsync("zvh", "iemand", function, HttpMethod.Post, "/policy/proposals", body);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        var id = (await JsonOf(await AsAdmin(hub, HttpMethod.Post, "/policy/proposals", body), HttpStatusCode.Created)).GetProperty("proposal").GetProperty("id").GetInt64();

        // Approving and rejecting are the hub's privacy officer's: not the administrator's, not a partner's own officer's.
        foreach (var function in new string?[] { null, Admin, PartnerClaims.PartnerPrivacyOfficer })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await hub.SendAsAsync("politie", "iemand", function, HttpMethod.Post, $"/policy/proposals/{id}/approval", new { revision = 1 })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await hub.SendAsAsync("politie", "iemand", function, HttpMethod.Post, $"/policy/proposals/{id}/rejection", new { reason = "nee" })).StatusCode);
        }

        // Reading the proposals is for both functions; an employee gets 403, a missing proposal 404.
        Assert.Equal(HttpStatusCode.Forbidden, (await hub.SendAsync("politie", HttpMethod.Get, $"/policy/proposals/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await AsOfficer(hub, HttpMethod.Get, $"/policy/proposals/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await AsAdmin(hub, HttpMethod.Get, "/policy/proposals/999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await AsAdmin(hub, HttpMethod.Get, "/policy/proposals/abc")).StatusCode);
        var refusals = await hub.LogAsync(r => r.Operation?.StartsWith("policy.", StringComparison.Ordinal) == true && r.Decision == AccessDecision.Deny);
        Assert.Equal(3 + 6 + 1, refusals.Count);
    }
}
