using System.Net;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Retention;
using Informatiedeling.Hub.Tests.AccessLog;
using Informatiedeling.Storage.Retention;
using static Informatiedeling.Hub.Tests.Hosting.ProblemDetailsTests;

namespace Informatiedeling.Hub.Tests.Retention;

/// <summary>
/// The purge-notice feed over HTTP on both engines: in seq order after the cursor, paged by limit with a next
/// cursor, each partner seeing only the cases it held a role on (also one process direction took away) or was invited
/// to; bad cursors and limits are 400.
/// </summary>
public sealed class PurgeNoticeFeedTests
{
    public static TheoryData<string> Engines => new(AccessLogs.Engines);

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Each_partner_sees_the_notices_of_its_own_cases_in_order_page_by_page(string engine)
    {
        await using var hub = await HoldsHub.StartAsync(engine);
        var shared = await hub.NewCaseAsync();
        var withoutPolice = await hub.NewCaseAsync();
        var invited = await hub.NewCaseAsync();
        await hub.RemoveRolesAsync(withoutPolice, "politie");
        await hub.InviteAsync(invited, "kmar", hub.Clock.GetUtcNow().AddDays(-1));
        var purgedAt = hub.Clock.GetUtcNow();

        // Test data: the notices a purge leaves (the purge itself is tested with the retention core).
        var a = await NoticeAsync(hub, shared, "strafrechtelijk,melder-identiteit", purgedAt, "bewaar-strafrechtelijk,bewaar-melder-identiteit", "8.2");
        var b = await NoticeAsync(hub, withoutPolice, "strafrechtelijk", purgedAt, "bewaar-strafrechtelijk", "8.2");
        var c = await NoticeAsync(hub, invited, "exceptioneel", purgedAt.AddDays(90), "bewaar-exceptioneel", "8.3");
        var d = await NoticeAsync(hub, shared, "exceptioneel", purgedAt.AddDays(90), "bewaar-exceptioneel", "8.3");

        // The police held roles on every case, also the one process direction took them from: it may hold copies.
        var police = await hub.TokenAsync("politie");
        var all = await PageAsync(hub, police, "");
        Assert.Equal([a, b, c, d], Seqs(all));
        Assert.Equal(d, all.GetProperty("next").GetInt64());
        var first = all.GetProperty("notices")[0];
        Assert.Equal(shared, first.GetProperty("case").GetString());
        Assert.Equal(["strafrechtelijk", "melder-identiteit"], Strings(first, "categories"));
        Assert.Equal(["bewaar-strafrechtelijk", "bewaar-melder-identiteit"], Strings(first, "rules"));
        Assert.Equal(["8.2"], Strings(first, "articles"));
        Assert.Equal(purgedAt, first.GetProperty("purgedAt").GetDateTimeOffset());

        // Page by page with the cursor; an empty page keeps it.
        var page1 = await PageAsync(hub, police, "?limit=3");
        Assert.Equal([a, b, c], Seqs(page1));
        var page2 = await PageAsync(hub, police, $"?after={page1.GetProperty("next").GetInt64()}&limit=3");
        Assert.Equal([d], Seqs(page2));
        var page3 = await PageAsync(hub, police, $"?after={page2.GetProperty("next").GetInt64()}&limit=3");
        Assert.Empty(Seqs(page3));
        Assert.Equal(d, page3.GetProperty("next").GetInt64());

        // The shell partner sees only the case it was invited to (its invitation has ended: it still must delete its copies).
        Assert.Equal([c], Seqs(await PageAsync(hub, await hub.TokenAsync("kmar"), "")));
        var zvh = await hub.TokenAsync("zvh");
        Assert.Equal([a, b, c, d], Seqs(await PageAsync(hub, zvh, "")));
        Assert.Equal([b, c, d], Seqs(await PageAsync(hub, zvh, $"?after={a}")));
        Assert.Empty(Seqs(await PageAsync(hub, await hub.TokenAsync("riec"), "")));

        var reads = await hub.LogAsync(r => r.Operation == PurgeNoticeBroker.Notices.Operation);
        Assert.Equal(8, reads.Count);
        Assert.All(reads, r => Assert.Equal(AccessDecision.Permit, r.Decision));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_bad_cursor_or_limit_is_a_400_problem(string engine)
    {
        await using var hub = await HoldsHub.StartAsync(engine);
        var token = await hub.TokenAsync("politie");
        foreach (var query in new[] { "?limit=0", "?limit=1001", "?limit=abc", "?limit=-5", "?after=-1", "?after=1e3", "?after=99999999999999999999" })
        {
            var problem = await AssertProblemAsync(await hub.SendAsync(HttpMethod.Get, $"/retention/purge-notices{query}", token), HttpStatusCode.BadRequest);
            Assert.Equal("The feed's cursor or limit is not valid", problem.GetProperty("title").GetString());
        }

        Assert.Empty(Seqs(await PageAsync(hub, token, "?after=0&limit=1000")));
        using var anonymous = await hub.Client.GetAsync(new Uri("/retention/purge-notices", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task The_default_page_is_a_hundred_notices_and_the_largest_a_thousand(string engine)
    {
        await using var hub = await HoldsHub.StartAsync(engine);
        var pseudonym = await hub.NewCaseAsync();
        await using (var db = await hub.Database.CreateDbContextAsync())
        {
            for (var i = 0; i < 1005; i++)
            {
                db.PurgeNotices.Add(new PurgeNoticeRow { Case = pseudonym, Categories = "exceptioneel", PurgedAt = hub.Clock.GetUtcNow(), Rules = "bewaar-exceptioneel", Articles = "8.3" });
            }

            await db.SaveChangesAsync();
        }

        var token = await hub.TokenAsync("zvh");
        Assert.Equal(PurgeNoticeBroker.DefaultLimit, Seqs(await PageAsync(hub, token, "")).Count);
        var largest = Seqs(await PageAsync(hub, token, "?limit=1000"));
        Assert.Equal(PurgeNoticeBroker.MaxLimit, largest.Count);
        Assert.Equal(largest.Order(), largest);
    }

    private static async Task<long> NoticeAsync(HoldsHub hub, string pseudonym, string categories, DateTimeOffset purgedAt, string rules, string articles)
    {
        await using var db = await hub.Database.CreateDbContextAsync();
        var row = new PurgeNoticeRow { Case = pseudonym, Categories = categories, PurgedAt = purgedAt, Rules = rules, Articles = articles };
        db.PurgeNotices.Add(row);
        await db.SaveChangesAsync();
        return row.Seq;
    }

    private static async Task<JsonElement> PageAsync(HoldsHub hub, string token, string query)
    {
        using var response = await hub.SendAsync(HttpMethod.Get, $"/retention/purge-notices{query}", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await hub.JsonAsync(response);
    }

    private static List<long> Seqs(JsonElement page) => [.. page.GetProperty("notices").EnumerateArray().Select(n => n.GetProperty("seq").GetInt64())];

    private static string[] Strings(JsonElement notice, string property) => [.. notice.GetProperty(property).EnumerateArray().Select(e => e.GetString()!)];
}
