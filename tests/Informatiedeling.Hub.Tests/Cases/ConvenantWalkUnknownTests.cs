using System.Net;
using System.Net.Http.Headers;
using Informatiedeling.AccessLog.Records;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>
/// Fence 6: anything the convenant does not know — partner, role, step, category, purpose — is denied with a
/// reason naming what was unknown; a request without a purpose is an error (400), not a denial. Nothing changes.
/// </summary>
[Collection(ConvenantWalkCollection.Name)]
public sealed class ConvenantWalkUnknownTests(ConvenantWalk walk)
{
    [Fact]
    public async Task An_unknown_purpose_is_denied_naming_it()
    {
        var read = await walk.ReadAsync("veilig-thuis", walk.Melding.Pseudonym, "verkoop");
        Assert.Equal(HttpStatusCode.Forbidden, read.Status);
        Assert.Equal("application/problem+json", read.MediaType);
        Assert.StartsWith("unknown purpose 'verkoop'", read.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(WalkReference.Unknown, (read.Body.GetProperty("rule").GetString()!, read.Body.GetProperty("article").GetString()!));
        Assert.DoesNotContain(walk.Melding.Values["persoon.achternaam"], read.Body.GetRawText(), StringComparison.Ordinal);
        var record = (await walk.LogAsync(r => r.Case?.Value == walk.Melding.Pseudonym && r.Rule == "onbekend")).Last();
        Assert.Equal(AccessDecision.Deny, record.Decision);
        Assert.Empty(record.FieldsReleased);
    }

    [Fact]
    public async Task An_unknown_category_is_denied_naming_it_and_releases_nothing_else_either()
    {
        var read = await walk.ReadAsync("veilig-thuis", walk.Melding.Pseudonym, "signalering-en-weging", "statisch,geheim");
        Assert.Equal(HttpStatusCode.Forbidden, read.Status);
        Assert.StartsWith("unknown category 'geheim'", read.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(WalkReference.Unknown, (read.Body.GetProperty("rule").GetString()!, read.Body.GetProperty("article").GetString()!));
        Assert.DoesNotContain(walk.Melding.Values["persoon.achternaam"], read.Body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_purpose_is_a_400_error_and_not_a_denial()
    {
        foreach (var query in new[] { "", "purpose=", "purpose=%20", "categories=statisch" })
        {
            var read = await walk.ReadQueryAsync("veilig-thuis", walk.Melding.Pseudonym, query);
            Assert.Equal(HttpStatusCode.BadRequest, read.Status);
            Assert.Equal("application/problem+json", read.MediaType);
            Assert.Contains("purpose", read.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Contains("3.1", read.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var monitoring = await walk.SendAsync("zvh", HttpMethod.Get, "/monitoring");
        var problem = await ConvenantWalk.OkAsync(monitoring, HttpStatusCode.BadRequest);
        Assert.Contains("purpose", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotEmpty(await walk.LogAsync(r => r.Case?.Value == walk.Melding.Pseudonym && r.Decision == AccessDecision.Error));
    }

    [Fact]
    public async Task An_unknown_step_is_refused_naming_it()
    {
        using var rasci = await walk.SendAsync("zvh", HttpMethod.Put, $"/cases/{walk.Casusoverleg.Pseudonym}/rasci/afronding",
            new { assignments = new Dictionary<string, string> { ["zvh"] = "A" } });
        var problem = await ConvenantWalk.OkAsync(rasci, HttpStatusCode.BadRequest);
        Assert.Contains("unknown step 'afronding'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var step = await walk.SendAsync("zvh", HttpMethod.Post, $"/cases/{walk.Casusoverleg.Pseudonym}/step", new { from = "afronding" });
        var stepProblem = await ConvenantWalk.OkAsync(step, HttpStatusCode.BadRequest);
        Assert.Contains("unknown step 'afronding'", stepProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        await AssertCasusoverlegUnchangedAsync();
    }

    [Fact]
    public async Task An_unknown_role_is_refused_naming_it()
    {
        using var response = await walk.SendAsync("zvh", HttpMethod.Put, $"/cases/{walk.Casusoverleg.Pseudonym}/rasci/casusoverleg", new
        {
            assignments = new Dictionary<string, string> { ["veilig-thuis"] = "R", ["zvh"] = "A", ["politie"] = "X" },
        });
        var problem = await ConvenantWalk.OkAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("unknown role 'X'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertCasusoverlegUnchangedAsync();
    }

    [Fact]
    public async Task An_unknown_partner_is_refused_naming_it_and_a_token_for_one_is_not_admitted()
    {
        using (var rasci = await walk.SendAsync("zvh", HttpMethod.Put, $"/cases/{walk.Casusoverleg.Pseudonym}/rasci/casusoverleg", new
        {
            assignments = new Dictionary<string, string> { ["veilig-thuis"] = "R", ["zvh"] = "A", [ConvenantWalk.UnknownPartner] = "S" },
        }))
        {
            var problem = await ConvenantWalk.OkAsync(rasci, HttpStatusCode.BadRequest);
            Assert.Contains($"unknown partner '{ConvenantWalk.UnknownPartner}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using (var invitation = await walk.SendAsync("zvh", HttpMethod.Post, $"/cases/{walk.Casusoverleg.Pseudonym}/invitations",
            new { partner = ConvenantWalk.UnknownPartner, until = walk.LongInvitation }))
        {
            var problem = await ConvenantWalk.OkAsync(invitation, HttpStatusCode.BadRequest);
            Assert.Contains($"unknown partner '{ConvenantWalk.UnknownPartner}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        await AssertCasusoverlegUnchangedAsync();

        // The provider asserts a partner the convenant does not know: the hub does not admit the token at all.
        using var me = await walk.SendAsync(ConvenantWalk.UnknownPartner, HttpMethod.Get, "/me");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        using var read = await walk.SummaryAsync(ConvenantWalk.UnknownPartner, walk.Casusoverleg.Pseudonym);
        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);

        // while a known partner's token from the same provider is admitted
        using var known = await walk.SendAsync("kmar", HttpMethod.Get, "/me");
        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        Assert.Equal(walk.Provider.Issuer, (await ConvenantWalk.OkAsync(known)).GetProperty("issuer").GetString());
    }

    [Fact]
    public async Task A_closure_reason_or_weighing_the_convenant_does_not_know_is_refused_and_nothing_changes()
    {
        using (var closure = await walk.SendAsync("zvh", HttpMethod.Post, $"/cases/{walk.Uitvoering.Pseudonym}/closure", new { reason = "verhuisd" }))
        {
            var problem = await ConvenantWalk.OkAsync(closure, HttpStatusCode.BadRequest);
            Assert.Contains("afgerond, vertrokken-onbekend, hulp-geweigerd, teruggekeerd-herkomstland, overleden", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using (var weighing = await walk.SendAsync("veilig-thuis", HttpMethod.Post, $"/cases/{walk.Casusoverleg.Pseudonym}/weighings",
            new { weighing = "derde-weging", fields = new Dictionary<string, string> { ["tweede-weging.uitkomst"] = "geen-mensenhandel-geen-zorg" } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, weighing.StatusCode);
        }

        using var summary = await walk.SummaryAsync("zvh", walk.Uitvoering.Pseudonym);
        Assert.Equal("open", (await ConvenantWalk.OkAsync(summary)).GetProperty("status").GetString());
        var read = await walk.ReadAsync("veilig-thuis", walk.Casusoverleg.Pseudonym, "casusoverleg");
        Assert.Equal("mensenhandel-en-zorg", read.Fields["tweede-weging.uitkomst"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-token")]
    public async Task Without_a_valid_token_the_answer_is_401_whatever_the_case(string? token)
    {
        foreach (var path in new[] { $"/cases/{walk.Melding.Pseudonym}", $"/cases/{ConvenantWalk.NonexistentCase}", $"/cases/{walk.Melding.Pseudonym}/data?purpose=signalering-en-weging" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            using var response = await walk.SendRawAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.DoesNotContain(walk.Melding.Values["persoon.achternaam"], await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    /// <summary>The casusoverleg case keeps its default RASCI: politie S, kmar (invited) C, and no step moved.</summary>
    private async Task AssertCasusoverlegUnchangedAsync()
    {
        using var police = await walk.SummaryAsync("politie", walk.Casusoverleg.Pseudonym);
        var summary = await ConvenantWalk.OkAsync(police);
        Assert.Equal("S", summary.GetProperty("yourRole").GetString());
        Assert.Equal("casusoverleg", summary.GetProperty("step").GetString());
        using var kmar = await walk.SummaryAsync("kmar", walk.Casusoverleg.Pseudonym);
        Assert.Equal("C", (await ConvenantWalk.OkAsync(kmar)).GetProperty("yourRole").GetString());
    }
}
