using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Cases;
using Informatiedeling.Hub.Tests.AccessLog;
using Informatiedeling.Hub.Tests.Retention;
using Microsoft.Extensions.Time.Testing;
using static Informatiedeling.Hub.Tests.Hosting.ProblemDetailsTests;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>
/// "My cases" (<c>GET /cases</c>) over HTTP on both engines: each partner sees exactly the cases on which it holds a
/// role in the current step, as the engine lets that role stand now (a shell partner only while invited), with step,
/// status, since when and role; filtered by step and status; page by page in one order that a new case does not
/// disturb; bad parameters are 400 problems recorded as errors; every page is recorded before it is answered; and
/// no answer holds a personal value.
/// </summary>
public sealed class CaseListTests
{
    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_partner_sees_exactly_the_cases_where_it_holds_a_role_in_the_current_step_and_a_move_changes_whose_list_a_case_is_on(string engine)
    {
        var clock = WholeSeconds();
        await using var hub = await CaseHub.StartAsync(engine, clock);
        await hub.WarmTokensAsync("veilig-thuis", "zvh", "politie", "om", "gemeente");
        var first = await hub.NewCaseAsync();
        var t0 = clock.GetUtcNow();
        clock.Advance(TimeSpan.FromMinutes(1));
        var second = await hub.NewCaseAsync();
        var t1 = clock.GetUtcNow();

        // Melding: the reporting point (R) and process direction (I) hold a role; the police and the prosecutor none yet.
        Assert.Equal([new(second, "melding", "open", t1, "R"), new(first, "melding", "open", t0, "R")], await AllAsync(hub, "veilig-thuis"));
        Assert.Equal([new(second, "melding", "open", t1, "I"), new(first, "melding", "open", t0, "I")], await AllAsync(hub, "zvh"));
        Assert.Empty(await AllAsync(hub, "politie"));
        Assert.Empty(await AllAsync(hub, "om"));

        // In eerste-weging the police are consulted: the first case is on their list, since it entered that step.
        clock.Advance(TimeSpan.FromMinutes(1));
        await hub.MoveToAsync(first, "eerste-weging");
        var t2 = clock.GetUtcNow();
        Assert.Equal([new(first, "eerste-weging", "open", t2, "C")], await AllAsync(hub, "politie"));
        Assert.Equal([new(first, "eerste-weging", "open", t2, "A"), new(second, "melding", "open", t1, "I")], await AllAsync(hub, "zvh"));
        Assert.Empty(await AllAsync(hub, "om"));

        clock.Advance(TimeSpan.FromMinutes(1));
        await hub.MoveToAsync(first, "casusoverleg");
        var t3 = clock.GetUtcNow();
        Assert.Equal([new(first, "casusoverleg", "open", t3, "S")], await AllAsync(hub, "om"));

        // In nazorg the reporting point and the prosecutor hold no role: the case leaves their lists, and stays on others'.
        clock.Advance(TimeSpan.FromMinutes(1));
        await hub.MoveToAsync(first, "uitvoering");
        clock.Advance(TimeSpan.FromMinutes(1));
        await hub.MoveToAsync(first, "nazorg");
        var t5 = clock.GetUtcNow();
        Assert.Equal([new(second, "melding", "open", t1, "R")], await AllAsync(hub, "veilig-thuis"));
        Assert.Empty(await AllAsync(hub, "om"));
        Assert.Equal([new(first, "nazorg", "open", t5, "I")], await AllAsync(hub, "politie"));
        Assert.Equal([new(first, "nazorg", "open", t5, "S")], await AllAsync(hub, "gemeente"));
        Assert.Equal([new(first, "nazorg", "open", t5, "A"), new(second, "melding", "open", t1, "I")], await AllAsync(hub, "zvh"));

        // Each page read is one permit, by the partner, about no single case, with counts only.
        var last = (await hub.LogAsync(r => r.Operation == CaseList.List.Operation)).Select(r => r.Record).Last();
        Assert.Equal((AccessDecision.Permit, "zvh", "zvh-user", "cases=2;more=false"), (last.Decision, last.ActorPartner?.Value, last.ActorUser, last.Subject));
        Assert.Null(last.Case);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_shell_partner_sees_an_invited_case_while_invited_and_not_after_the_invitation_ends_or_is_withdrawn(string engine)
    {
        var clock = WholeSeconds();
        await using var hub = await CaseHub.StartAsync(engine, clock);
        await hub.WarmTokensAsync("veilig-thuis", "zvh", "kmar", "ggd");
        var invited = new List<Listed>();
        foreach (var hours in new[] { 3, 1, 3, 1, 3 })
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            var p = await hub.NewCaseAsync();
            await hub.MoveToAsync(p, "casusoverleg");
            invited.Insert(0, new(p, "casusoverleg", "open", clock.GetUtcNow(), "C"));
            await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{p}/invitations", new { partner = "kmar", until = clock.GetUtcNow().AddHours(hours) });
        }

        var notInvited = await hub.NewCaseAsync();
        await hub.MoveToAsync(notInvited, "casusoverleg");
        Assert.Equal(invited, await AllAsync(hub, "kmar"));
        Assert.Empty(await AllAsync(hub, "ggd"));

        // Withdrawn: the newest invitation ends now.
        var withdrawn = invited[0];
        using (var response = await hub.SendAsync("zvh", HttpMethod.Delete, $"/cases/{withdrawn.Pseudonym}/invitations/kmar"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        Assert.Equal(invited.Skip(1), await AllAsync(hub, "kmar"));

        // Two hours on, the one-hour invitations have ended; their roles are still stored, the engine no longer lets
        // them stand. Page by page, one case a page, the ended ones in between take no place and leave no gap.
        clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal([invited[2], invited[4]], await AllAsync(hub, "kmar"));
        var pages = await PagesAsync(hub, "kmar", "?limit=1");
        Assert.Equal([invited[2], invited[4]], pages.Select(p => Assert.Single(p.Cases)));
        Assert.NotNull(pages[0].Next);
        Assert.Null(pages[1].Next);

        clock.Advance(TimeSpan.FromHours(2));
        Assert.Empty(await AllAsync(hub, "kmar"));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task The_list_filters_by_step_and_status_and_a_closed_case_stays_on_it_until_its_last_purge(string engine)
    {
        var clock = WholeSeconds();
        await using var hub = await CaseHub.StartAsync(engine, clock);
        await hub.WarmTokensAsync("veilig-thuis", "zvh");
        var inMelding = new Listed(await hub.NewCaseAsync(), "melding", "open", clock.GetUtcNow(), "I");
        clock.Advance(TimeSpan.FromMinutes(1));
        var weighing = await hub.NewCaseAsync();
        await hub.MoveToAsync(weighing, "eerste-weging");
        var inWeging = new Listed(weighing, "eerste-weging", "open", clock.GetUtcNow(), "A");
        clock.Advance(TimeSpan.FromMinutes(1));
        var closed = new Listed(await hub.ClosedCaseAsync(), "uitvoering", "closed", clock.GetUtcNow(), "A");

        Assert.Equal([closed, inWeging, inMelding], await AllAsync(hub, "zvh"));
        Assert.Equal([inWeging, inMelding], await AllAsync(hub, "zvh", "?status=open"));
        Assert.Equal([closed], await AllAsync(hub, "zvh", "?status=closed"));
        Assert.Equal([inMelding], await AllAsync(hub, "zvh", "?step=melding"));
        Assert.Equal([closed], await AllAsync(hub, "zvh", "?step=uitvoering&status=closed"));
        Assert.Empty(await AllAsync(hub, "zvh", "?step=uitvoering&status=open"));
        Assert.Empty(await AllAsync(hub, "zvh", "?step=nazorg"));
        Assert.Equal([closed with { Role = "I" }], await AllAsync(hub, "veilig-thuis", "?status=closed"));

        // The last purge takes the case's step history with its data: nothing is left to list it by.
        clock.Advance(TimeSpan.FromDays(731));
        Assert.Equal(closed.Pseudonym, Assert.Single((await hub.Factory.Purge().RunAsync()).Purged).Case.Value);
        Assert.Empty(await AllAsync(hub, "zvh", "?status=closed"));
        Assert.Equal([inWeging, inMelding], await AllAsync(hub, "zvh"));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Pages_of_one_give_every_case_once_in_order_and_a_cursor_still_works_after_a_new_case(string engine)
    {
        var clock = WholeSeconds();
        await using var hub = await CaseHub.StartAsync(engine, clock);
        await hub.WarmTokensAsync("veilig-thuis", "zvh");
        // Two cases at a whole second, one half a second later, two a quarter after that: instants with and without a
        // fraction of a second, and cases that entered their step at the same instant.
        var entered = new List<(string Pseudonym, DateTimeOffset At)>();
        foreach (var (after, sameInstant) in new[] { (TimeSpan.FromMinutes(1), 2), (TimeSpan.FromMilliseconds(500), 1), (TimeSpan.FromMilliseconds(250), 2) })
        {
            clock.Advance(after);
            for (var i = 0; i < sameInstant; i++)
            {
                entered.Add((await hub.NewCaseAsync(), clock.GetUtcNow()));
            }
        }

        // The most recently entered step first; cases that entered it at one instant by pseudonym.
        var whole = await AllAsync(hub, "zvh");
        Assert.Equal(
            entered.OrderByDescending(e => e.At).ThenBy(e => e.Pseudonym, StringComparer.Ordinal).Select(e => e.Pseudonym),
            whole.Select(c => c.Pseudonym));
        Assert.Equal(whole, (await PageAsync(hub, "zvh", "")).Cases); // the default limit holds them all

        var pages = await PagesAsync(hub, "zvh", "?limit=1");
        Assert.Equal(5, pages.Count);
        Assert.All(pages, p => Assert.Single(p.Cases));
        Assert.Equal(whole, pages.SelectMany(p => p.Cases));
        Assert.All(pages.SkipLast(1), p => Assert.NotNull(p.Next));
        Assert.Null(pages[^1].Next);

        // The cursor names where the page ended: the instant its last case entered its step and that case's pseudonym.
        var cursor = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(pages[0].Next!));
        Assert.Equal($"c1|{whole[0].InStepSince.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{whole[0].Pseudonym}", cursor);

        // A case taken in after the first page comes before where it ended: the pages that follow neither repeat nor skip.
        var firstPage = await PageAsync(hub, "zvh", "?limit=2");
        clock.Advance(TimeSpan.FromMinutes(1));
        var newer = await hub.NewCaseAsync();
        var rest = await PagesAsync(hub, "zvh", "?limit=2", firstPage.Next);
        Assert.Equal(whole, firstPage.Cases.Concat(rest.SelectMany(p => p.Cases)));
        Assert.Equal([newer, .. whole.Select(c => c.Pseudonym)], (await AllAsync(hub, "zvh")).Select(c => c.Pseudonym));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_bad_step_status_limit_or_cursor_is_a_400_naming_it_recorded_as_an_error_and_a_good_page_as_a_permit(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        await hub.WarmTokensAsync("veilig-thuis", "zvh");
        await hub.NewCaseAsync();
        await hub.NewCaseAsync();
        var first = await PageAsync(hub, "zvh", "?limit=1");
        var permit = Assert.Single(await hub.LogAsync(r => r.Operation == CaseList.List.Operation)).Record;
        Assert.Equal((AccessDecision.Permit, "cases=1;more=true"), (permit.Decision, permit.Subject));

        var next = first.Next!;
        var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(next)).Split('|');
        string Encode(params string[] fields) => Uri.EscapeDataString(Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('|', fields))));
        var longStep = new string('x', 300) + "\n";
        (string Query, string[] Named)[] bad =
        [
            ("?step=nope", ["'step'"]),
            ("?step=Melding", ["'step'"]),
            ("?step=" + Uri.EscapeDataString(longStep), ["'step'"]),
            ("?status=pending", ["'status'"]),
            ("?status=Open", ["'status'"]),
            ("?limit=0", ["'limit'"]),
            ("?limit=201", ["'limit'"]),
            ("?limit=-1", ["'limit'"]),
            ("?limit=1.5", ["'limit'"]),
            ("?limit=abc", ["'limit'"]),
            ("?limit=99999999999999999999", ["'limit'"]),
            ("?after=abc", ["'after'"]),
            ("?after=" + Uri.EscapeDataString(next[..10]), ["'after'"]),
            ("?after=" + Encode("c0", parts[1], parts[2]), ["'after'"]),
            ("?after=" + Encode("c1", "yesterday", parts[2]), ["'after'"]),
            ("?after=" + Encode("c1", parts[1], "Jansen"), ["'after'"]),
            ("?after=" + Encode("c1", parts[1], parts[2], "extra"), ["'after'"]),
            ("?after=" + Encode("u2", parts[1], parts[1], parts[2], "statisch", parts[1]), ["'after'"]),
            ("?step=nope&status=pending&limit=0&after=abc", ["'step'", "'status'", "'after'", "'limit'"]),
        ];
        foreach (var (query, named) in bad)
        {
            using var response = await hub.SendAsync("zvh", HttpMethod.Get, "/cases" + query);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {response.StatusCode}");
            var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.Equal("The case list's step, status, cursor or limit is not valid", problem.GetProperty("title").GetString());
            var problems = problem.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToList();
            Assert.Equal(named.Length, problems.Count);
            Assert.All(named.Zip(problems), n => Assert.Contains(n.First, n.Second, StringComparison.Ordinal));
            Assert.DoesNotContain("Jansen", problem.GetRawText(), StringComparison.Ordinal);
        }

        // A step typed wrong is echoed only as far as a field id's length, and without control characters.
        using (var response = await hub.SendAsync("zvh", HttpMethod.Get, "/cases?step=" + Uri.EscapeDataString(longStep)))
        {
            var detail = (await AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("detail").GetString()!;
            Assert.Contains($"'{new string('x', 130)}'", detail, StringComparison.Ordinal);
            Assert.DoesNotContain(new string('x', 131), detail, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', detail);
        }

        var records = (await hub.LogAsync(r => r.Operation == CaseList.List.Operation)).Select(r => r.Record).ToList();
        Assert.Single(records, r => r.Decision == AccessDecision.Permit);
        var errors = records.Where(r => r.Decision == AccessDecision.Error).ToList();
        Assert.Equal(bad.Length + 1, errors.Count);
        Assert.All(errors, r => Assert.True(r.ActorPartner?.Value == "zvh" && r.Case is null && r.Subject is null, $"{r.ActorPartner} {r.Case} {r.Subject}"));

        // The cursor as given still works after all that.
        Assert.Single((await PageAsync(hub, "zvh", $"?limit=1&after={Uri.EscapeDataString(next)}")).Cases);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Without_the_access_log_no_page_is_answered(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        await hub.WarmTokensAsync("veilig-thuis", "zvh");
        await hub.NewCaseAsync();
        await using var db = await hub.Factory.OpenDatabaseAsync();
        await db.RefuseAccessLogInsertsAsync(engine);

        using (var response = await hub.SendAsync("zvh", HttpMethod.Get, "/cases"))
        {
            var problem = await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("Access log unavailable", problem.GetProperty("title").GetString());
            Assert.DoesNotContain("cs-", problem.GetRawText(), StringComparison.Ordinal);
        }

        await db.AllowAccessLogInsertsAsync(engine);
        Assert.Single(await AllAsync(hub, "zvh"));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task The_answer_holds_pseudonyms_steps_statuses_instants_and_roles_and_no_personal_value(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        string[] personal = ["Annelies Geheimnaam", "Geheimnaam-4711", "Geheimstraat 12", "1987-06-05", "seksueel"];
        var report = Reports.Intake(personal[0], new DateOnly(1987, 6, 5), new Dictionary<string, string>
        {
            ["persoon.achternaam"] = personal[1],
            ["persoon.adres"] = personal[2],
            ["melding.uitbuitingsvorm"] = personal[4],
        });
        using (var intake = await hub.SendAsync("veilig-thuis", HttpMethod.Post, "/cases", report))
        {
            Assert.Equal(HttpStatusCode.Created, intake.StatusCode);
            Assert.NotNull(await intake.Content.ReadFromJsonAsync<IntakeResult>());
        }

        foreach (var partner in new[] { "veilig-thuis", "zvh" })
        {
            using var response = await hub.SendAsync(partner, HttpMethod.Get, "/cases");
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            foreach (var value in personal)
            {
                Assert.DoesNotContain(value, text, StringComparison.Ordinal);
            }

            using var page = JsonDocument.Parse(text);
            Assert.Equal(["cases", "next"], page.RootElement.EnumerateObject().Select(p => p.Name));
            var entry = Assert.Single(page.RootElement.GetProperty("cases").EnumerateArray().ToList());
            Assert.Equal(["pseudonym", "step", "status", "inStepSince", "role"], entry.EnumerateObject().Select(p => p.Name));
        }

        var records = JsonSerializer.Serialize((await hub.LogAsync(r => r.Operation == CaseList.List.Operation)).Select(r => r.Record));
        foreach (var value in personal)
        {
            Assert.DoesNotContain(value, records, StringComparison.Ordinal);
        }
    }

    private sealed record Listed(string Pseudonym, string Step, string Status, DateTimeOffset InStepSince, string Role);

    private sealed record Page(List<Listed> Cases, string? Next);

    /// <summary>Whole seconds, so that the instants survive PostgreSQL's microseconds.</summary>
    private static FakeTimeProvider WholeSeconds()
    {
        var now = DateTimeOffset.UtcNow;
        return new FakeTimeProvider(now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)));
    }

    private static async Task<Page> PageAsync(CaseHub hub, string partner, string query)
    {
        var page = await hub.OkAsync(partner, HttpMethod.Get, "/cases" + query);
        return new Page(
            [.. page.GetProperty("cases").EnumerateArray().Select(e => new Listed(
                e.GetProperty("pseudonym").GetString()!, e.GetProperty("step").GetString()!, e.GetProperty("status").GetString()!,
                e.GetProperty("inStepSince").GetDateTimeOffset(), e.GetProperty("role").GetString()!))],
            page.GetProperty("next").GetString());
    }

    /// <summary>Every page of <paramref name="query"/> (a limit, say) from <paramref name="after"/> on, following each page's next until it is null.</summary>
    private static async Task<List<Page>> PagesAsync(CaseHub hub, string partner, string query, string? after = null)
    {
        var pages = new List<Page>();
        do
        {
            Assert.True(pages.Count < 50, "the cursor does not advance");
            pages.Add(await PageAsync(hub, partner, after is null ? query : $"{query}&after={Uri.EscapeDataString(after)}"));
            after = pages[^1].Next;
        }
        while (after is not null);
        return pages;
    }

    /// <summary>The whole list in one page of the largest size.</summary>
    private static async Task<List<Listed>> AllAsync(CaseHub hub, string partner, string query = "")
    {
        var page = await PageAsync(hub, partner, query + (query.Length == 0 ? "?" : "&") + $"limit={CaseList.MaxLimit}");
        Assert.Null(page.Next);
        return page.Cases;
    }
}
