using System.Net;
using Informatiedeling.Hub.Tests.Cases;
using Microsoft.Extensions.Time.Testing;
using static Informatiedeling.Hub.Tests.Hosting.ProblemDetailsTests;

namespace Informatiedeling.Hub.Tests.Retention;

/// <summary>
/// A shell partner whose invitation process direction withdrew loses its standing on the case at once, but may hold
/// copies of what it fetched while invited: the purge notice of the case still reaches it (convenant art. 8.6).
/// </summary>
public sealed class WithdrawnInvitationNoticeTests
{
    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_partner_whose_invitation_was_withdrawn_gets_the_purge_notice_and_no_standing(string engine)
    {
        var now = DateTimeOffset.UtcNow;
        var clock = new FakeTimeProvider(now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)));
        await using var hub = await CaseHub.StartAsync(engine, clock);
        await hub.WarmTokensAsync("veilig-thuis", "zvh", "kmar", "ind");
        var pseudonym = await hub.NewCaseAsync();
        await hub.MoveToAsync(pseudonym, "casusoverleg");
        await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{pseudonym}/invitations", new { partner = "kmar", until = clock.GetUtcNow().AddDays(30) });
        await hub.OkAsync("kmar", HttpMethod.Get, $"/cases/{pseudonym}/data?purpose=casusoverleg");

        using (var withdrawn = await hub.SendAsync("zvh", HttpMethod.Delete, $"/cases/{pseudonym}/invitations/kmar"))
        {
            Assert.Equal(HttpStatusCode.NoContent, withdrawn.StatusCode);
        }

        await AssertProblemAsync(await hub.SendAsync("kmar", HttpMethod.Get, $"/cases/{pseudonym}"), HttpStatusCode.NotFound);
        await hub.MoveToAsync(pseudonym, "uitvoering");
        await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{pseudonym}/closure", new { reason = "afgerond" });

        // Every period ends (the tokens were minted before the clock moved; they are checked against the real time).
        clock.Advance(TimeSpan.FromDays(731));
        Assert.Equal(pseudonym, Assert.Single((await hub.Factory.Purge().RunAsync()).Purged).Case.Value);

        var feed = await hub.OkAsync("kmar", HttpMethod.Get, "/retention/purge-notices");
        var notice = Assert.Single(feed.GetProperty("notices").EnumerateArray());
        Assert.Equal(pseudonym, notice.GetProperty("case").GetString());
        Assert.Equal(Retentions.Categories.Order(StringComparer.Ordinal), notice.GetProperty("categories").EnumerateArray().Select(c => c.GetString()!).Order(StringComparer.Ordinal));

        // The notice gives it no standing: the case is still one that does not exist for it, and the feed of a partner
        // never on the case stays empty.
        await AssertProblemAsync(await hub.SendAsync("kmar", HttpMethod.Get, $"/cases/{pseudonym}"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await hub.SendAsync("kmar", HttpMethod.Get, $"/cases/{pseudonym}/data?purpose=casusoverleg"), HttpStatusCode.NotFound);
        Assert.Empty((await hub.OkAsync("ind", HttpMethod.Get, "/retention/purge-notices")).GetProperty("notices").EnumerateArray());
    }
}
