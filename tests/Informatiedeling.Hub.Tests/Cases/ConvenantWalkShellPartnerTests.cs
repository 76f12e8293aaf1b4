using System.Net;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>
/// Shell partners join a case only by an invitation from zvh with an end date, and have no role after it; process
/// direction adjusts the RASCI of a case, which gives no partner a purpose the convenant does not grant it.
/// </summary>
[Collection(ConvenantWalkCollection.Name)]
public sealed class ConvenantWalkShellPartnerTests(ConvenantWalk walk)
{
    [Fact]
    public async Task Only_zvh_invites_and_only_shell_partners_with_an_end_date_in_the_future()
    {
        var pseudonym = walk.Invitations.Pseudonym;
        var until = walk.Clock.GetUtcNow().AddDays(30);

        using (var byPolice = await walk.SendAsync("politie", HttpMethod.Post, $"/cases/{pseudonym}/invitations", new { partner = "ind", until }))
        {
            var problem = await ConvenantWalk.OkAsync(byPolice, HttpStatusCode.Forbidden);
            Assert.Equal("handeling-rasci-instellen", problem.GetProperty("rule").GetString());
            Assert.Equal("5.3", problem.GetProperty("article").GetString());
        }

        using (var core = await walk.SendAsync("zvh", HttpMethod.Post, $"/cases/{pseudonym}/invitations", new { partner = "om", until }))
        {
            var problem = await ConvenantWalk.OkAsync(core, HttpStatusCode.BadRequest);
            Assert.Contains("om", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using (var past = await walk.SendAsync("zvh", HttpMethod.Post, $"/cases/{pseudonym}/invitations", new { partner = "ind", until = walk.Clock.GetUtcNow().AddMinutes(-1) }))
        {
            await ConvenantWalk.OkAsync(past, HttpStatusCode.BadRequest);
        }

        using (var noEnd = await walk.SendAsync("zvh", HttpMethod.Post, $"/cases/{pseudonym}/invitations", new { partner = "ind" }))
        {
            await ConvenantWalk.OkAsync(noEnd, HttpStatusCode.BadRequest);
        }

        await walk.AssertSummaryLikeNoCaseAsync("ind", pseudonym);
        await walk.AssertSummaryLikeNoCaseAsync("om", walk.Melding.Pseudonym);
    }

    [Fact]
    public async Task A_shell_partner_holds_its_role_until_the_invitation_ends_and_none_after_it()
    {
        var pseudonym = walk.Invitations.Pseudonym;
        await walk.AssertSummaryLikeNoCaseAsync("jeugdbescherming", pseudonym);
        var until = walk.Clock.GetUtcNow().AddMinutes(5);
        using (var invited = await walk.SendAsync("zvh", HttpMethod.Post, $"/cases/{pseudonym}/invitations", new { partner = "jeugdbescherming", until }))
        {
            await ConvenantWalk.OkAsync(invited);
        }

        using (var summary = await walk.SummaryAsync("jeugdbescherming", pseudonym))
        {
            Assert.Equal("C", (await ConvenantWalk.OkAsync(summary)).GetProperty("yourRole").GetString());
        }

        var during = await walk.ReadAsync("jeugdbescherming", pseudonym, "casusoverleg");
        during.AssertOk();
        Assert.Equal(ConvenantWalkRoleTests.Lines(walk.Invitations.ValuesIn(["dynamisch"])), ConvenantWalkRoleTests.Lines(during.Fields));
        Assert.Equal(("zicht-c", "6.3"), (during.Withheld["statisch"].Rule, during.Withheld["statisch"].Article));

        walk.Clock.Advance(TimeSpan.FromMinutes(5));
        var atTheEnd = await walk.ReadAsync("jeugdbescherming", pseudonym, "casusoverleg");
        Assert.Equal(HttpStatusCode.OK, atTheEnd.Status); // the invitation runs up to and including its end

        walk.Clock.Advance(TimeSpan.FromSeconds(1));
        var after = await walk.ReadAsync("jeugdbescherming", pseudonym, "casusoverleg");
        await walk.AssertLikeNoCaseAsync(after, "jeugdbescherming", "casusoverleg");
        await walk.AssertSummaryLikeNoCaseAsync("jeugdbescherming", pseudonym);
        var record = (await walk.LogAsync(r => r.Case?.Value == pseudonym && r.ActorPartner?.Value == "jeugdbescherming" && r.Operation == "case.read")).Last();
        Assert.Equal(WalkReference.Invitation, (record.Rule!, record.Article!));

        // an invitation that runs longer is untouched by the clock moving on
        using (var kmar = await walk.SummaryAsync("kmar", walk.Casusoverleg.Pseudonym))
        {
            Assert.Equal("C", (await ConvenantWalk.OkAsync(kmar)).GetProperty("yourRole").GetString());
        }

        // invited anew, and then the invitation withdrawn: no role at once
        using (var again = await walk.SendAsync("zvh", HttpMethod.Post, $"/cases/{pseudonym}/invitations", new { partner = "jeugdbescherming", until = walk.Clock.GetUtcNow().AddDays(7) }))
        {
            await ConvenantWalk.OkAsync(again);
        }

        Assert.Equal(HttpStatusCode.OK, (await walk.ReadAsync("jeugdbescherming", pseudonym, "casusoverleg")).Status);
        using (var withdrawnByOther = await walk.SendAsync("gemeente", HttpMethod.Delete, $"/cases/{pseudonym}/invitations/jeugdbescherming"))
        {
            await ConvenantWalk.OkAsync(withdrawnByOther, HttpStatusCode.Forbidden);
        }

        using (var withdrawn = await walk.SendAsync("zvh", HttpMethod.Delete, $"/cases/{pseudonym}/invitations/jeugdbescherming"))
        {
            Assert.Equal(HttpStatusCode.NoContent, withdrawn.StatusCode);
        }

        await walk.AssertLikeNoCaseAsync(await walk.ReadAsync("jeugdbescherming", pseudonym, "casusoverleg"), "jeugdbescherming", "casusoverleg");
    }

    [Fact]
    public async Task Process_direction_adjusts_the_rasci_but_opens_no_purpose_and_no_fence()
    {
        var walked = walk.Adjusted;
        using (var byVeiligThuis = await walk.SendAsync("veilig-thuis", HttpMethod.Put, $"/cases/{walked.Pseudonym}/rasci/eerste-weging",
            new { assignments = new Dictionary<string, string> { ["veilig-thuis"] = "A" } }))
        {
            var problem = await ConvenantWalk.OkAsync(byVeiligThuis, HttpStatusCode.Forbidden);
            Assert.Equal("handeling-rasci-instellen", problem.GetProperty("rule").GetString());
        }

        using (var adjusted = await walk.SendAsync("zvh", HttpMethod.Put, $"/cases/{walked.Pseudonym}/rasci/eerste-weging", new
        {
            assignments = new Dictionary<string, string> { ["veilig-thuis"] = "R", ["zvh"] = "A", ["zorgcoordinatie"] = "S", ["gemeente"] = "C" },
        }))
        {
            var summary = await ConvenantWalk.OkAsync(adjusted);
            Assert.Equal("A", summary.GetProperty("yourRole").GetString());
        }

        // politie was C by default and is no longer on the case
        await walk.AssertSummaryLikeNoCaseAsync("politie", walked.Pseudonym);

        // zorgcoordinatie, now S, sees statisch and dynamisch, but never the reporter
        var support = await walk.ReadAsync("zorgcoordinatie", walked.Pseudonym, "signalering-en-weging");
        support.AssertOk();
        Assert.Equal(ConvenantWalkRoleTests.Lines(walked.ValuesIn(["statisch", "dynamisch"])), ConvenantWalkRoleTests.Lines(support.Fields));
        Assert.Equal(("hek-melder-identiteit", "7.2"), (support.Withheld["melder-identiteit"].Rule, support.Withheld["melder-identiteit"].Article));

        // gemeente, now C, is still not a partner of signalering-en-weging
        var municipality = await walk.ReadAsync("gemeente", walked.Pseudonym, "signalering-en-weging");
        municipality.AssertOk();
        Assert.Empty(municipality.Fields);
        Assert.All(municipality.Withheld.Values, w => Assert.Equal(("doel-signalering-en-weging", "3.2"), (w.Rule, w.Article)));
        using (var role = await walk.SummaryAsync("gemeente", walked.Pseudonym))
        {
            Assert.Equal("C", (await ConvenantWalk.OkAsync(role)).GetProperty("yourRole").GetString());
        }
    }
}
