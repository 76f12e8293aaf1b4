using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.AccessHistory;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Hub.Tests.Cases;

namespace Informatiedeling.Hub.Tests.AccessLog;

/// <summary>
/// <c>GET /access-log/mine</c> on both engines: the caller's own records only, whatever the request names; newest
/// first, page by page through the opaque cursor without gap or repeat; each page recorded as a log read naming its
/// parameters and no personal value; a cursor that was not given is a 400, recorded.
/// </summary>
public sealed class MyAccessHistoryTests
{
    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task The_history_is_the_callers_own_newest_first_and_pages_without_gap_or_repeat(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var pseudonym = await hub.NewCaseAsync(); // veilig-thuis-user takes in a report
        for (var i = 0; i < 4; i++)
        {
            using var list = await hub.SendAsync("politie", HttpMethod.Get, "/cases");
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        }

        using var other = await SendAsAsync(hub, "politie", "politie-ander", "/cases"); // another user of the same partner
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);

        // Asking for someone else's history in the query changes nothing: the caller's partner and user come from the sign-in.
        var first = await hub.OkAsync("politie", HttpMethod.Get, "/access-log/mine?limit=2&user=veilig-thuis-user&partner=veilig-thuis");
        var seqs = new List<long>();
        var page = first;
        while (true)
        {
            seqs.AddRange(page.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("seq").GetInt64()));
            if (page.GetProperty("next").ValueKind == JsonValueKind.Null)
            {
                break;
            }

            page = await hub.OkAsync("politie", HttpMethod.Get, "/access-log/mine?limit=2&cursor=" + Uri.EscapeDataString(page.GetProperty("next").GetString()!));
        }

        var top = seqs[0];
        var expected = (await hub.LogAsync(r => r.ActorUser == "politie-user" && r.ActorPartner?.Value == "politie", everyKind: true))
            .Where(r => r.Seq <= top).Select(r => r.Seq).OrderDescending().ToList();
        Assert.Equal(expected, seqs); // exactly mine, newest first, no gap, no repeat
        Assert.True(seqs.Count >= 5, $"{seqs.Count} records");

        var firstRecords = first.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal("access-log.mine", firstRecords[0].GetProperty("operation").GetString()); // the read itself, recorded before it ran
        Assert.Equal("log-read", firstRecords[0].GetProperty("kind").GetString());
        Assert.Equal("permit", firstRecords[0].GetProperty("decision").GetString());
        Assert.DoesNotContain(pseudonym, first.GetRawText(), StringComparison.Ordinal);

        var reads = await hub.LogAsync(r => r.Operation == "access-log.mine", everyKind: true);
        Assert.All(reads, r =>
        {
            Assert.Equal(AccessEventKind.LogRead, r.Record.Kind);
            Assert.Equal("politie-user", r.Record.ActorUser);
            Assert.StartsWith("mine;before=", r.Record.Subject, StringComparison.Ordinal);
            Assert.DoesNotContain("politie-user", r.Record.Subject, StringComparison.Ordinal);
            Assert.DoesNotContain("veilig-thuis", r.Record.Subject, StringComparison.Ordinal);
        });
        Assert.Equal((seqs.Count + 1) / 2, reads.Count); // one read per page

        // The intake is in the reporting point's own history, with its case, and not in the other politie user's.
        var vt = await hub.OkAsync("veilig-thuis", HttpMethod.Get, "/access-log/mine");
        Assert.Contains(vt.GetProperty("records").EnumerateArray(), r => r.GetProperty("operation").GetString() == "case.intake" && r.GetProperty("case").GetString() == pseudonym);
        using var otherHistory = await SendAsAsync(hub, "politie", "politie-ander", "/access-log/mine");
        var otherPage = await otherHistory.Content.ReadFromJsonAsync<MyAccessPage>();
        Assert.Equal(["access-log.mine", "case.list"], otherPage!.Records.Select(r => r.Operation));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_cursor_that_was_not_given_and_a_limit_out_of_range_are_a_recorded_400(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        foreach (var query in new[] { "?cursor=bm90LWEtY3Vyc29y", "?cursor=politie-user", "?limit=0", "?limit=201" })
        {
            using var refused = await hub.SendAsync("politie", HttpMethod.Get, "/access-log/mine" + query);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        var errors = await hub.LogAsync(r => r.Operation == "access-log.mine");
        Assert.Equal(4, errors.Count);
        Assert.All(errors, r => Assert.Equal(AccessDecision.Error, r.Record.Decision));
    }

    private static async Task<HttpResponseMessage> SendAsAsync(CaseHub hub, string partner, string user, string path)
    {
        using var tokenResponse = await hub.Client.PostAsJsonAsync("/dev/token", new DevelopmentTokenRequest(partner, user));
        tokenResponse.EnsureSuccessStatusCode();
        var token = (await tokenResponse.Content.ReadFromJsonAsync<DevelopmentToken>())!.AccessToken;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await hub.Client.SendAsync(request);
    }
}
