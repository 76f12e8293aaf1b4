using System.Globalization;
using System.Net;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Hub.LogReview;
using Informatiedeling.Hub.Tests.Cases;
using Informatiedeling.Policy;
using Informatiedeling.Storage;
using Informatiedeling.Storage.AccessLog;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Informatiedeling.Hub.Tests.LogReview;

/// <summary>
/// <c>GET /access-log/flags</c> and the daily run on both engines: each kind of flag seeded, with the near-misses that
/// must not flag (bulk at exactly the threshold, accesses before closure, a shell partner earlier in its invitation), and
/// exactly the expected flags found; a partner's own privacy officer sees only its employees' flags; everyone else is
/// refused and recorded; a malformed or too long window is a 400 naming the member.
/// </summary>
public sealed class LogFlagsTests
{
    private const string Officer = PartnerClaims.PrivacyOfficer;
    private const string OwnOfficer = PartnerClaims.PartnerPrivacyOfficer;

    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    private static string Iso(DateTimeOffset at) => Uri.EscapeDataString(at.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));

    private static DateTimeOffset NextHour(DateTimeOffset at) => new DateTimeOffset(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero).AddHours(1);

    private static List<(string Kind, long[] Seqs)> FlagsOf(JsonElement report, string kind) =>
    [
        .. report.GetProperty("flags").EnumerateArray()
            .Where(f => f.GetProperty("kind").GetString() == kind)
            .Select(f => (kind, f.GetProperty("seqs").EnumerateArray().Select(s => s.GetInt64()).ToArray())),
    ];

    private static List<long> SeqsOf(JsonElement report, string kind) => [.. FlagsOf(report, kind).Select(f => Assert.Single(f.Seqs))];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Each_kind_of_flag_is_found_exactly_and_the_near_misses_are_not(string engine)
    {
        var now = DateTimeOffset.UtcNow;
        var clock = new FakeTimeProvider(now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)));
        await using var hub = await CaseHub.StartAsync(engine, clock);
        await hub.WarmTokensAsync("veilig-thuis", "politie", "zvh", "kmar");
        await hub.TokenAsync("zvh", "fg-hub", Officer);
        await hub.TokenAsync("veilig-thuis", "fg-vt", OwnOfficer);
        await hub.TokenAsync("politie", "fg-politie", OwnOfficer);
        await hub.TokenAsync("veilig-thuis", "vt-bulk");
        await hub.TokenAsync("veilig-thuis", "vt-twenty");

        // Each clock hour holds at most a few cases per user, but for the two bulk readers.
        clock.SetUtcNow(NextHour(clock.GetUtcNow()).AddMinutes(5));
        var start = clock.GetUtcNow();
        var cases = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            cases.Add(await hub.NewCaseAsync());
        }

        (await hub.SendAsync("politie", HttpMethod.Get, $"/cases/{cases[0]}")).Dispose(); // no standing: a denial
        clock.Advance(TimeSpan.FromHours(1));
        for (var i = 0; i < 11; i++)
        {
            cases.Add(await hub.NewCaseAsync());
        }

        // A closed case: the walk to its closure (and the closure itself) is before it; one summary read is after.
        clock.Advance(TimeSpan.FromHours(1));
        var closed = await hub.ClosedCaseAsync();
        clock.Advance(TimeSpan.FromMinutes(10));
        var beforeLate = (await hub.LogAsync(everyKind: true)).Max(r => r.Seq);
        (await hub.SendAsync("zvh", HttpMethod.Get, $"/cases/{closed}")).Dispose();
        var late = (await hub.LogAsync(r => r.Case?.Value == closed, everyKind: true)).Where(r => r.Seq > beforeLate).Select(r => r.Seq).ToList();
        Assert.Single(late);

        // A shell partner invited for five days reads early in its invitation (no flag).
        var shell = await hub.NewCaseAsync();
        await hub.MoveToAsync(shell, "casusoverleg");
        var until = clock.GetUtcNow().AddDays(5);
        await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{shell}/invitations", new { partner = "kmar", until });
        (await hub.SendAsync("kmar", HttpMethod.Get, $"/cases/{shell}")).Dispose();

        // Bulk: 21 distinct cases within one hour flags; exactly 20 does not.
        clock.Advance(TimeSpan.FromHours(1));
        var bulkHour = NextHour(clock.GetUtcNow()).AddHours(-1);
        foreach (var c in cases)
        {
            using var bulkRead = await hub.SendAsAsync("veilig-thuis", "vt-bulk", null, HttpMethod.Get, $"/cases/{c}");
            Assert.Equal(HttpStatusCode.OK, bulkRead.StatusCode);
        }

        foreach (var c in cases.Take(20))
        {
            (await hub.SendAsAsync("veilig-thuis", "vt-twenty", null, HttpMethod.Get, $"/cases/{c}")).Dispose();
        }

        await hub.EmergencyReadAsync(cases[1], "Fictief acuut gevaar");
        await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/records?limit=1");

        // In the last day of its invitation the shell partner's read flags; after the end it is a denial, not this flag.
        clock.SetUtcNow(until.AddHours(-2));
        var beforeLastDay = (await hub.LogAsync(everyKind: true)).Max(r => r.Seq);
        (await hub.SendAsync("kmar", HttpMethod.Get, $"/cases/{shell}")).Dispose();
        var lastDay = (await hub.LogAsync(r => r.ActorPartner?.Value == "kmar", everyKind: true)).Where(r => r.Seq > beforeLastDay).Select(r => r.Seq).ToList();
        clock.SetUtcNow(until.AddHours(3));
        (await hub.SendAsync("kmar", HttpMethod.Get, $"/cases/{shell}")).Dispose();
        var end = clock.GetUtcNow().AddMinutes(1);

        var window = $"from={Iso(start.AddMinutes(-1))}&to={Iso(end)}";
        var report = await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/flags?" + window);
        var log = await hub.LogAsync(everyKind: true);

        var expectedDenials = log.Where(r => r.Record.Decision == AccessDecision.Deny).ToList();
        Assert.True(
            expectedDenials.Select(r => r.Seq).SequenceEqual(SeqsOf(report, LogFlags.Denial)),
            string.Join("; ", expectedDenials.Where(r => !SeqsOf(report, LogFlags.Denial).Contains(r.Seq)).Select(r => $"{r.Seq} {r.Record.Kind} {r.Record.Operation} {r.RecordedAt:O} {r.Record.ActorPartner} window {start:O}..{end:O}")));
        Assert.Contains(log, r => r.Record.ActorPartner?.Value == "politie" && r.Record.Case?.Value == cases[0] && r.Record.Decision == AccessDecision.Deny);
        Assert.Contains(log, r => r.Record.ActorPartner?.Value == "kmar" && r.Record.Decision == AccessDecision.Deny && r.RecordedAt > until);
        Assert.Equal(late, SeqsOf(report, LogFlags.AfterClosure));
        Assert.Equal(lastDay, SeqsOf(report, LogFlags.ShellLastDay));
        Assert.Equal(log.Where(r => r.Record.Emergency).Select(r => r.Seq), SeqsOf(report, LogFlags.Emergency));
        Assert.Single(SeqsOf(report, LogFlags.Emergency));
        // Reads of the log: the search, the test's own reads of the log, and this read of the flags itself (whose record comes before its flags).
        var flagsRead = Assert.Single(log, r => r.Record.Operation == "access-log.flags");
        Assert.Equal(log.Where(r => r.Record.Kind == AccessEventKind.LogRead && r.Seq <= flagsRead.Seq).Select(r => r.Seq), SeqsOf(report, LogFlags.LogRead));
        Assert.Contains(log, r => r.Record.Operation == "access-log.records" && SeqsOf(report, LogFlags.LogRead).Contains(r.Seq));

        var bulk = Assert.Single(report.GetProperty("flags").EnumerateArray(), f => f.GetProperty("kind").GetString() == LogFlags.Bulk);
        Assert.Equal(("veilig-thuis", "vt-bulk", 21), (bulk.GetProperty("partner").GetString(), bulk.GetProperty("user").GetString(), bulk.GetProperty("cases").GetInt32()));
        Assert.Equal(bulkHour, bulk.GetProperty("hour").GetDateTimeOffset());
        Assert.Equal(
            log.Where(r => r.Record.ActorUser == "vt-bulk" && r.Record.Kind == AccessEventKind.AccessDecision).Select(r => r.Seq),
            bulk.GetProperty("seqs").EnumerateArray().Select(s => s.GetInt64()));
        Assert.Equal(20, report.GetProperty("bulkCasesPerHour").GetInt32());

        var shellFlag = Assert.Single(report.GetProperty("flags").EnumerateArray(), f => f.GetProperty("kind").GetString() == LogFlags.ShellLastDay);
        Assert.Equal(("kmar", shell), (shellFlag.GetProperty("partner").GetString(), shellFlag.GetProperty("case").GetString()));
        Assert.Equal(until, shellFlag.GetProperty("against").GetDateTimeOffset());
        var counts = report.GetProperty("counts").EnumerateArray().ToDictionary(c => c.GetProperty("kind").GetString()!, c => c.GetProperty("count").GetInt32());
        Assert.Equal(LogFlags.Kinds, counts.Keys);
        Assert.Equal(1, counts[LogFlags.Bulk]);
        Assert.DoesNotContain("Fictief", report.GetRawText(), StringComparison.Ordinal);

        // The read of the flags is a log read naming its window, never a personal value.
        Assert.Equal(AccessEventKind.LogRead, flagsRead.Record.Kind);
        Assert.Equal(("fg-hub", "privacy-officer"), (flagsRead.Record.ActorUser, flagsRead.Record.Role));
        Assert.StartsWith("flags;from=", flagsRead.Record.Subject, StringComparison.Ordinal);

        // A partner's own privacy officer: only its own employees' flags; another partner's sees none of them.
        var own = await hub.OkAsAsync("veilig-thuis", "fg-vt", OwnOfficer, HttpMethod.Get, "/access-log/flags?" + window);
        var ownFlags = own.GetProperty("flags").EnumerateArray().ToList();
        Assert.NotEmpty(ownFlags);
        Assert.All(ownFlags, f => Assert.Equal("veilig-thuis", f.GetProperty("partner").GetString()));
        Assert.Single(ownFlags, f => f.GetProperty("kind").GetString() == LogFlags.Bulk);
        Assert.Single(ownFlags, f => f.GetProperty("kind").GetString() == LogFlags.Emergency);
        Assert.Equal(JsonValueKind.Null, own.GetProperty("lastRun").ValueKind);
        var police = await hub.OkAsAsync("politie", "fg-politie", OwnOfficer, HttpMethod.Get, "/access-log/flags?" + window);
        var policeFlags = police.GetProperty("flags").EnumerateArray().ToList();
        Assert.All(policeFlags, f => Assert.Equal("politie", f.GetProperty("partner").GetString()));
        Assert.Contains(policeFlags, f => f.GetProperty("kind").GetString() == LogFlags.Denial && f.GetProperty("case").GetString() == cases[0]);
        Assert.DoesNotContain(policeFlags, f => f.GetProperty("kind").GetString() is LogFlags.Bulk or LogFlags.Emergency);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task The_window_defaults_to_the_last_24_hours(string engine)
    {
        var now = DateTimeOffset.UtcNow;
        var clock = new FakeTimeProvider(now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)));
        await using var hub = await CaseHub.StartAsync(engine, clock);
        await hub.WarmTokensAsync("veilig-thuis", "politie");
        await hub.TokenAsync("zvh", "fg-hub", Officer);
        var old = await hub.NewCaseAsync();
        (await hub.SendAsync("politie", HttpMethod.Get, $"/cases/{old}")).Dispose();
        clock.Advance(TimeSpan.FromHours(25));
        var recent = await hub.NewCaseAsync();
        (await hub.SendAsync("politie", HttpMethod.Get, $"/cases/{recent}")).Dispose();
        clock.Advance(TimeSpan.FromMinutes(1));

        var report = await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/flags");
        var denial = Assert.Single(report.GetProperty("flags").EnumerateArray(), f => f.GetProperty("kind").GetString() == LogFlags.Denial);
        Assert.Equal(recent, denial.GetProperty("case").GetString());
        Assert.Equal(clock.GetUtcNow(), report.GetProperty("to").GetDateTimeOffset());
        Assert.Equal(clock.GetUtcNow().AddHours(-24), report.GetProperty("from").GetDateTimeOffset());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task An_employee_is_refused_and_recorded_and_a_malformed_window_is_a_400_naming_the_member(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        using (var employee = await hub.SendAsync("politie", HttpMethod.Get, "/access-log/flags"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, employee.StatusCode);
        }

        var refused = Assert.Single(await hub.LogAsync(r => r.Operation == "access-log.flags", everyKind: true));
        Assert.Equal((AccessDecision.Deny, "politie"), (refused.Record.Decision, refused.Record.ActorPartner?.Value));

        (string Query, string Member)[] invalid =
        [
            ("from=gisteren", "'from'"), ("to=morgen", "'to'"), ("from=2026-12-02&to=2026-12-01", "'to'"),
            ("from=2026-01-01&to=2026-03-01", "'from' and 'to' span at most 31 days"),
        ];
        foreach (var (query, member) in invalid)
        {
            using var response = await hub.SendAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/flags?" + query);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode} {text}");
            Assert.Contains(member, text, StringComparison.Ordinal);
        }

        var errors = await hub.LogAsync(r => r.Operation == "access-log.flags" && r.Decision == AccessDecision.Error, everyKind: true);
        Assert.Equal(invalid.Length, errors.Count);
        Assert.All(errors, e => Assert.Equal("fg-hub", e.Record.ActorUser));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task The_daily_job_keeps_the_previous_days_counts_and_records_its_run(string engine)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");
        var now = DateTimeOffset.UtcNow;
        var clock = new FakeTimeProvider(now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)));
        await using var hub = await CaseHub.StartAsync(engine, clock);
        await hub.WarmTokensAsync("veilig-thuis", "politie");
        await hub.TokenAsync("zvh", "fg-hub", Officer);
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).DateTime);
        var pseudonym = await hub.NewCaseAsync();
        (await hub.SendAsync("politie", HttpMethod.Get, $"/cases/{pseudonym}")).Dispose();
        (await hub.SendAsync("politie", HttpMethod.Get, $"/cases/{pseudonym}/data?purpose=casusoverleg")).Dispose();
        await hub.EmergencyReadAsync(pseudonym, "Fictief acuut gevaar");
        var denials = (await hub.LogAsync(r => r.Decision == AccessDecision.Deny, everyKind: true)).Count; // itself a read of the log, the day's one

        // The next day at 00:30 in the Netherlands, as the schedule runs it.
        var next = day.AddDays(1).ToDateTime(new TimeOnly(0, 30));
        clock.SetUtcNow(new DateTimeOffset(next, zone.GetUtcOffset(next)).ToUniversalTime());
        var services = hub.Factory.Services;
        var job = new LogFlagsJob(services.GetRequiredService<LogFlags>(), services.GetRequiredService<PolicyHolder>());
        await job.Execute(null!, CancellationToken.None);
        await job.Execute(null!, CancellationToken.None); // a second run of the same day replaces its counts

        await using (var db = await services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync())
        {
            var run = Assert.Single(await db.AccessLogFlagRuns.AsNoTracking().ToListAsync());
            Assert.Equal(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), run.Day);
            Assert.Equal((denials, 1, 0, 0, 0, 1), (run.Denials, run.Emergencies, run.AfterClosure, run.ShellLastDay, run.Bulk, run.LogReads));
            Assert.Equal(clock.GetUtcNow(), run.ComputedAt);
        }

        var records = await hub.LogAsync(r => r.Operation == LogFlags.DailyOperation, everyKind: true);
        Assert.Equal(2, records.Count);
        Assert.All(records, r =>
        {
            Assert.Equal((AccessEventKind.LogRead, "hub"), (r.Record.Kind, r.Record.ActorUser));
            Assert.Equal(
                string.Create(CultureInfo.InvariantCulture, $"flags-daily;day={day:yyyy-MM-dd};denial={denials};after-closure=0;shell-last-day=0;bulk=0;emergency=1;log-read=1"),
                r.Record.Subject);
        });

        // The hub's privacy officer sees the last run beside the flags of the window.
        var report = await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/flags");
        var last = report.GetProperty("lastRun");
        Assert.Equal(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), last.GetProperty("day").GetString());
        Assert.Equal(denials, last.GetProperty("counts").GetProperty(LogFlags.Denial).GetInt32());
        Assert.Equal(records[^1].Seq, last.GetProperty("recordSeq").GetInt64());
    }

    [Fact]
    public void The_options_are_validated_naming_the_key()
    {
        var validator = new LogReviewOptionsValidator();
        Assert.True(validator.Validate(null, new LogReviewOptions()).Succeeded);
        var bad = validator.Validate(null, new LogReviewOptions { BulkCasesPerHour = 0, DailyFlagsSchedule = "daily" });
        Assert.Contains(bad.Failures!, f => f.StartsWith("LogReview:BulkCasesPerHour 0", StringComparison.Ordinal));
        Assert.Contains(bad.Failures!, f => f.StartsWith("LogReview:DailyFlagsSchedule 'daily'", StringComparison.Ordinal));
    }
}
