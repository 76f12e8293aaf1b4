using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Retention;
using Informatiedeling.Hub.Tests.AccessLog;
using static Informatiedeling.Hub.Tests.Hosting.ProblemDetailsTests;

namespace Informatiedeling.Hub.Tests.Retention;

/// <summary>
/// The privacy officer's upcoming purges page by page over HTTP on both engines: one order (purge date, case,
/// category), pages that together are the whole listing, a cursor that a hold placed meanwhile does not disturb,
/// the 'before' filter, and 400 problem details (logged as errors, never as permits) for a bad limit, cursor or date.
/// </summary>
public sealed class UpcomingPagingTests
{
    public static TheoryData<string> Engines => new(AccessLogs.Engines);

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Pages_together_are_the_whole_listing_in_order_and_a_hold_placed_between_pages_moves_nothing(string engine)
    {
        await using var hub = await HoldsHub.StartAsync(engine);
        var now = hub.Clock.GetUtcNow();
        var old = await hub.NewCaseAsync();
        var middle = await hub.NewCaseAsync();
        var recentA = await hub.NewCaseAsync();
        var recentB = await hub.NewCaseAsync();
        await hub.CloseAsync(old, now.AddDays(-400));
        await hub.CloseAsync(middle, now.AddDays(-50));
        await hub.CloseAsync(recentA, now.AddDays(-5));
        await hub.CloseAsync(recentB, now.AddDays(-5));
        var officer = await hub.PrivacyOfficerAsync();
        var om = await hub.TokenAsync("om");
        var requests = 0;

        async Task<JsonElement> GetAsync(string query)
        {
            requests++;
            using var response = await hub.SendAsync(HttpMethod.Get, "/retention/upcoming" + query, officer);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await hub.JsonAsync(response);
        }

        var whole = await GetAsync("?limit=1000");
        Assert.Equal(JsonValueKind.Null, whole.GetProperty("next").ValueKind);
        var full = Entries(whole);
        Assert.Equal(20, full.Count); // five categories of four closed cases, none purged yet
        Assert.Equal(full.OrderBy(e => e.PurgeAt).ThenBy(e => e.Case, StringComparer.Ordinal).ThenBy(e => e.Category, StringComparer.Ordinal), full);
        Assert.Equal([old, old, old], full.Take(3).Select(e => e.Case)); // its fenced categories (at closure), then exceptioneel
        Assert.Equal(full, Entries(await GetAsync(""))); // the default limit holds them all

        // Page by page, three at a time. After the first page the clock moves on and om places a long hold on the case
        // that filled it: a listing from now on would move that case's categories to the hold's end, but this one
        // describes the instant of its first page, so the pages still join up without a duplicate or a gap.
        var pages = new List<JsonElement> { await GetAsync("?limit=3") };
        hub.Clock.Advance(TimeSpan.FromSeconds(1));
        await PrivacyOfficerTests.PlaceAsync(hub, old, "om", "strafzaak loopt", 500);
        while (pages[^1].GetProperty("next").GetString() is { } next)
        {
            Assert.True(pages.Count < 20, "the cursor does not advance");
            pages.Add(await GetAsync($"?limit=3&after={Uri.EscapeDataString(next)}"));
        }

        Assert.Equal(7, pages.Count);
        Assert.All(pages.SkipLast(1), p => Assert.Equal(3, p.GetProperty("purges").GetArrayLength()));
        Assert.All(pages, p => Assert.Equal(now, p.GetProperty("at").GetDateTimeOffset()));
        var paged = pages.SelectMany(Entries).ToList();
        Assert.Equal(full, paged);
        Assert.Equal(paged.Count, paged.Distinct().Count());

        // A new listing sees the hold: every category of the old case waits for its end.
        var fresh = Entries(await GetAsync("?limit=1000"));
        var holdEnds = now.AddSeconds(1).AddDays(500);
        Assert.All(fresh.Where(e => e.Case == old), e => Assert.Equal((holdEnds, true, false), (e.PurgeAt, e.PostponedByHold, e.Due)));
        Assert.NotEqual(full, fresh);
        Assert.Equal(full.Select(e => (e.Case, e.Category)).Order(), fresh.Select(e => (e.Case, e.Category)).Order());

        // One permit record per page read, under the privacy officer's role; nothing else logged for the listing.
        var reads = await hub.LogAsync(r => r.Operation == PrivacyOfficerBroker.Upcoming.Operation);
        Assert.Equal(requests, reads.Count);
        Assert.All(reads, r => Assert.Equal((AccessDecision.Permit, "privacy-officer", "zvh-user"), (r.Decision, r.Role, r.ActorUser)));
        Assert.Equal("purges=3;cases=1;more=True", reads[2].Subject);

        // Anyone else still gets 403, with or without paging parameters.
        await AssertProblemAsync(await hub.SendAsync(HttpMethod.Get, "/retention/upcoming?limit=3", om), HttpStatusCode.Forbidden);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_hold_lifted_between_pages_leaves_no_gap(string engine)
    {
        await using var hub = await HoldsHub.StartAsync(engine);
        var now = hub.Clock.GetUtcNow();
        var held = await hub.NewCaseAsync();
        var other = await hub.NewCaseAsync();
        await hub.CloseAsync(held, now.AddDays(-400));
        await hub.CloseAsync(other, now.AddDays(-50));
        var hold = await PrivacyOfficerTests.PlaceAsync(hub, held, "om", "strafzaak loopt", 500);
        var officer = await hub.PrivacyOfficerAsync();
        var om = await hub.TokenAsync("om");
        var full = Entries(await hub.JsonAsync(await hub.SendAsync(HttpMethod.Get, "/retention/upcoming", officer)));
        Assert.Equal([other, other, other], full.Take(3).Select(e => e.Case)); // the held case's categories wait for the hold

        // Lifted after the first page: a listing from now on has the held case's first categories long overdue, ahead
        // of where the first page ended; this listing keeps them where they were.
        var first = await hub.JsonAsync(await hub.SendAsync(HttpMethod.Get, "/retention/upcoming?limit=3", officer));
        hub.Clock.Advance(TimeSpan.FromSeconds(1));
        using (var lifted = await hub.SendAsync(HttpMethod.Delete, $"/cases/{held}/holds/{hold}", om))
        {
            Assert.Equal(HttpStatusCode.NoContent, lifted.StatusCode);
        }

        var pages = new List<JsonElement> { first };
        while (pages[^1].GetProperty("next").GetString() is { } next)
        {
            Assert.True(pages.Count < 20, "the cursor does not advance");
            pages.Add(await hub.JsonAsync(await hub.SendAsync(HttpMethod.Get, $"/retention/upcoming?limit=3&after={Uri.EscapeDataString(next)}", officer)));
        }

        Assert.Equal(full, pages.SelectMany(Entries).ToList());
        var fresh = Entries(await hub.JsonAsync(await hub.SendAsync(HttpMethod.Get, "/retention/upcoming", officer)));
        Assert.Equal([held, held], fresh.Take(2).Select(e => e.Case));
        Assert.All(fresh.Where(e => e.Case == held), e => Assert.Null(e.HeldUntil));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Before_lists_only_the_purges_due_before_that_date_page_by_page(string engine)
    {
        await using var hub = await HoldsHub.StartAsync(engine);
        var now = hub.Clock.GetUtcNow();
        var first = await hub.NewCaseAsync();
        var second = await hub.NewCaseAsync();
        await hub.CloseAsync(first, now.AddDays(-100));
        await hub.CloseAsync(second, now.AddDays(-20));
        var officer = await hub.PrivacyOfficerAsync();
        var full = Entries(await hub.JsonAsync(await hub.SendAsync(HttpMethod.Get, "/retention/upcoming", officer)));

        var before = now.AddDays(100);
        var expected = full.Where(e => e.PurgeAt < before).ToList();
        Assert.Equal(6, expected.Count); // the fenced categories of both cases and their exceptioneel (90 days after closure)
        var paged = new List<Entry>();
        string? next = null;
        do
        {
            var query = $"?before={Uri.EscapeDataString(before.ToString("O", CultureInfo.InvariantCulture))}&limit=4" + (next is null ? "" : $"&after={Uri.EscapeDataString(next)}");
            var page = await hub.JsonAsync(await hub.SendAsync(HttpMethod.Get, "/retention/upcoming" + query, officer));
            paged.AddRange(Entries(page));
            next = page.GetProperty("next").GetString();
        }
        while (next is not null);
        Assert.Equal(expected, paged);

        // A date alone is midnight UTC; only what is overdue comes before today.
        var overdue = Entries(await hub.JsonAsync(await hub.SendAsync(HttpMethod.Get, "/retention/upcoming?before=" + now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), officer)));
        Assert.Equal(full.Where(e => e.PurgeAt < new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero)).ToList(), overdue);
        Assert.Equal(5, overdue.Count); // the fenced categories of both, the first's exceptioneel

        Assert.All(overdue, e => Assert.True(e.Due));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_bad_limit_cursor_or_date_is_400_problem_details_logged_as_an_error_and_never_as_a_permit(string engine)
    {
        await using var hub = await HoldsHub.StartAsync(engine);
        var now = hub.Clock.GetUtcNow();
        foreach (var days in new[] { -400, -50 })
        {
            await hub.CloseAsync(await hub.NewCaseAsync(), now.AddDays(days));
        }

        var officer = await hub.PrivacyOfficerAsync();
        var first = await hub.JsonAsync(await hub.SendAsync(HttpMethod.Get, "/retention/upcoming?limit=2", officer));
        var cursor = first.GetProperty("next").GetString()!;
        var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split('|');
        string Encode(params string[] fields) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('|', fields)));
        var future = Encode(parts[0], now.AddDays(1).UtcTicks.ToString(CultureInfo.InvariantCulture), parts[2], parts[3], parts[4], parts[5]);
        var badCase = Encode(parts[0], parts[1], parts[2], "not a pseudonym", parts[4], parts[5]);
        var permitsBefore = (await hub.LogAsync(r => r.Operation == PrivacyOfficerBroker.Upcoming.Operation && r.Decision == AccessDecision.Permit)).Count;

        var bad = new[]
        {
            "?limit=0", "?limit=1001", "?limit=-1", "?limit=abc", "?limit=99999999999999999999",
            "?after=abc", "?after=" + Uri.EscapeDataString(cursor[..10]), "?after=" + future, "?after=" + badCase, "?after=" + Encode("u1", "x"),
            "?after=" + Uri.EscapeDataString(cursor + "!"), "?before=tomorrow", "?before=2027-13-01", "?limit=0&after=abc",
        };
        foreach (var query in bad)
        {
            using var response = await hub.SendAsync(HttpMethod.Get, "/retention/upcoming" + query, officer);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {response.StatusCode}");
            var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.Equal("The listing's cursor, limit or date is not valid", problem.GetProperty("title").GetString());
            Assert.NotEmpty(problem.GetProperty("problems").EnumerateArray());
        }

        var reads = await hub.LogAsync(r => r.Operation == PrivacyOfficerBroker.Upcoming.Operation);
        Assert.Equal(permitsBefore, reads.Count(r => r.Decision == AccessDecision.Permit));
        Assert.Equal(bad.Length, reads.Count(r => r.Decision == AccessDecision.Error));

        // The cursor as given still works after all that.
        var second = await hub.JsonAsync(await hub.SendAsync(HttpMethod.Get, $"/retention/upcoming?limit=2&after={Uri.EscapeDataString(cursor)}", officer));
        Assert.Equal(2, second.GetProperty("purges").GetArrayLength());
    }

    private sealed record Entry(string Case, string Category, DateTimeOffset PurgeAt, bool PostponedByHold, bool Due, string? HeldUntil);

    private static List<Entry> Entries(JsonElement page) =>
        [.. page.GetProperty("purges").EnumerateArray().Select(e => new Entry(
            e.GetProperty("case").GetString()!, e.GetProperty("category").GetString()!, e.GetProperty("purgeAt").GetDateTimeOffset(),
            e.GetProperty("postponedByHold").GetBoolean(), e.GetProperty("due").GetBoolean(),
            e.GetProperty("heldUntil").ValueKind == JsonValueKind.Null ? null : e.GetProperty("heldUntil").GetRawText()))];
}
