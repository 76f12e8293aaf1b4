using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Hub.Cases;
using Informatiedeling.Hub.LogReview;
using Informatiedeling.Hub.Tests.Cases;
using Informatiedeling.Storage;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Informatiedeling.Hub.Tests.LogReview;

/// <summary>
/// The review queue on both engines: an emergency release is in the open queue until a privacy officer other than its
/// actor disposes it; the justification and the note are opened for the privacy officer alone and the note is sealed
/// at rest; the disposition is a log record about the case; a partner's own privacy officer sees only its own
/// employees' releases; everyone else is refused, every malformed request is a 400 naming the member, and all of it is
/// recorded; a review open longer than the configured days is overdue.
/// </summary>
public sealed class ReviewQueueTests
{
    private const string Officer = PartnerClaims.PrivacyOfficer;
    private const string OwnOfficer = PartnerClaims.PartnerPrivacyOfficer;
    private const string Justification = "Fictief acuut gevaar bij de woning";
    private const string Note = "Fictieve toelichting: terecht gezien de melding";

    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task An_emergency_release_is_reviewed_end_to_end(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var pseudonym = await hub.NewCaseAsync();
        await hub.EmergencyReadAsync(pseudonym, Justification);
        var other = await hub.NewCaseAsync();
        await hub.OkAsync("veilig-thuis", HttpMethod.Get, $"/cases/{other}"); // not an emergency: not in the queue

        var open = await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/reviews");
        var item = Assert.Single(open.GetProperty("items").EnumerateArray());
        var seq = item.GetProperty("seq").GetInt64();
        var released = (await hub.LogAsync(r => r.Emergency)).Single();
        Assert.Equal(released.Seq, seq);
        Assert.Equal(pseudonym, item.GetProperty("case").GetString());
        Assert.Equal(("veilig-thuis", "veilig-thuis-user"), (item.GetProperty("partner").GetString(), item.GetProperty("user").GetString()));
        Assert.Equal("acute-veiligheid", item.GetProperty("purpose").GetString());
        Assert.Equal(released.Record.Rule, item.GetProperty("rule").GetString());
        Assert.NotEmpty(item.GetProperty("categoriesReleased").EnumerateArray());
        Assert.NotEmpty(item.GetProperty("fieldsReleased").EnumerateArray());
        Assert.Equal(("open", false, 0), (item.GetProperty("state").GetString(), item.GetProperty("overdue").GetBoolean(), item.GetProperty("daysOpen").GetInt32()));
        Assert.Equal(7, open.GetProperty("reviewWithinDays").GetInt32());
        Assert.Equal(JsonValueKind.Null, open.GetProperty("next").ValueKind);
        Assert.DoesNotContain(Justification, open.GetRawText(), StringComparison.Ordinal);

        var detail = await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, $"/access-log/reviews/{seq}");
        Assert.Equal(Justification, detail.GetProperty("justification").GetString());
        Assert.True(detail.GetProperty("justificationSealed").GetBoolean());

        var disposed = await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Post, $"/access-log/reviews/{seq}", new { disposition = "justified", note = Note });
        var disposition = disposed.GetProperty("item").GetProperty("disposition");
        Assert.Equal(("justified", "zvh", "fg-hub", Note), (
            disposition.GetProperty("disposition").GetString(), disposition.GetProperty("reviewerPartner").GetString(),
            disposition.GetProperty("reviewerUser").GetString(), disposition.GetProperty("note").GetString()));

        Assert.Empty((await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/reviews")).GetProperty("items").EnumerateArray());
        var done = Assert.Single((await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/reviews?state=disposed")).GetProperty("items").EnumerateArray());
        Assert.Equal(seq, done.GetProperty("seq").GetInt64());
        Assert.Equal("disposed", done.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("disposition").GetProperty("note").ValueKind); // the note only in the item's view
        Assert.Single((await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/reviews?state=all")).GetProperty("items").EnumerateArray());
        var again = await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, $"/access-log/reviews/{seq}");
        Assert.Equal(Note, again.GetProperty("item").GetProperty("disposition").GetProperty("note").GetString());

        using (var twice = await hub.SendAsAsync("zvh", "fg-hub", Officer, HttpMethod.Post, $"/access-log/reviews/{seq}", new { disposition = "unjustified", note = "Nogmaals" }))
        {
            Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        }

        // The disposition is a record about the case, naming seq and disposition; the reads are recorded about the case; no text in any record.
        var log = await hub.LogAsync(everyKind: true);
        var review = Assert.Single(log, r => r.Record.Operation == "access-log.review" && r.Record.Decision == AccessDecision.Permit);
        Assert.Equal((pseudonym, $"review;seq={seq};disposition=justified", "fg-hub"), (review.Record.Case?.Value, review.Record.Subject, review.Record.ActorUser));
        var refusedTwice = Assert.Single(log, r => r.Record.Operation == "access-log.review" && r.Record.Decision == AccessDecision.Error);
        Assert.Equal(pseudonym, refusedTwice.Record.Case?.Value);
        var reads = log.Where(r => r.Record.Operation == "access-log.review-read").ToList();
        Assert.Equal(2, reads.Count);
        Assert.All(reads, r => Assert.Equal((AccessEventKind.LogRead, pseudonym, $"review;seq={seq}"), (r.Record.Kind, r.Record.Case?.Value, r.Record.Subject)));
        Assert.Equal(4, log.Count(r => r.Record.Operation == "access-log.reviews" && r.Record.Kind == AccessEventKind.LogRead));
        Assert.Contains(log, r => r.Record.Subject == "reviews;state=open;after=head;limit=50");
        Assert.All(log, r => Assert.DoesNotContain("Fictie", r.Record.Subject ?? "", StringComparison.Ordinal));

        // The note is sealed at rest: not in the row, not in the database file.
        await using (var db = await hub.Factory.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync())
        {
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT record_seq, case_pseudonym, disposition, note_ciphertext, reviewer_user FROM access_reviews";
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal((seq, pseudonym, "justified", "fg-hub"), (reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(4)));
            var ciphertext = reader.GetFieldValue<byte[]>(3);
            Assert.True(ciphertext.Length > Note.Length);
            Assert.Equal(-1, ciphertext.AsSpan().IndexOf(Encoding.UTF8.GetBytes("Fictieve")));
            Assert.False(await reader.ReadAsync());
        }

        if (engine == "sqlite")
        {
            var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(hub.Factory.ConnectionString).DataSource;
            foreach (var path in new[] { file, file + "-wal" }.Where(File.Exists))
            {
                await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy);
                Assert.Equal(-1, copy.ToArray().AsSpan().IndexOf(Encoding.UTF8.GetBytes("Fictieve toelichting")));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task The_actor_is_refused_as_reviewer_and_another_partners_officer_sees_nothing(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var pseudonym = await hub.NewCaseAsync();

        // The reporting point's own privacy officer releases in an emergency, and may not review that release.
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/cases/{pseudonym}/data?purpose=acute-veiligheid"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await hub.TokenAsync("veilig-thuis", "fg-vt", OwnOfficer));
            request.Headers.Add(CaseEndpoints.JustificationHeader, Justification);
            using var response = await hub.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var seq = (await hub.LogAsync(r => r.Emergency)).Single().Seq;
        var mine = await hub.OkAsAsync("veilig-thuis", "fg-vt", OwnOfficer, HttpMethod.Get, "/access-log/reviews");
        Assert.Equal(seq, Assert.Single(mine.GetProperty("items").EnumerateArray()).GetProperty("seq").GetInt64());
        using (var own = await hub.SendAsAsync("veilig-thuis", "fg-vt", OwnOfficer, HttpMethod.Post, $"/access-log/reviews/{seq}", new { disposition = "justified", note = "Zelf" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        }

        var refused = Assert.Single(await hub.LogAsync(r => r.Operation == "access-log.review" && r.Decision == AccessDecision.Deny));
        Assert.Equal(("fg-vt", pseudonym, $"review;seq={seq};disposition=justified"), (refused.Record.ActorUser, refused.Record.Case?.Value, refused.Record.Subject));

        // Another partner's own privacy officer: an empty queue, and the release is as missing as one that does not exist.
        Assert.Empty((await hub.OkAsAsync("politie", "fg-politie", OwnOfficer, HttpMethod.Get, "/access-log/reviews?state=all")).GetProperty("items").EnumerateArray());
        string? missingText = null;
        foreach (var path in new[] { $"/access-log/reviews/{seq}", "/access-log/reviews/999999" })
        {
            using var show = await hub.SendAsAsync("politie", "fg-politie", OwnOfficer, HttpMethod.Get, path);
            Assert.Equal(HttpStatusCode.NotFound, show.StatusCode);
            var text = (await show.Content.ReadAsStringAsync()).Split("\"traceId\"")[0];
            Assert.True(missingText is null || missingText == text, text);
            missingText = text;
            using var dispose = await hub.SendAsAsync("politie", "fg-politie", OwnOfficer, HttpMethod.Post, path, new { disposition = "unjustified", note = "Niet van ons" });
            Assert.Equal(HttpStatusCode.NotFound, dispose.StatusCode);
        }

        var missing = await hub.LogAsync(r => r.Operation is "access-log.review" or "access-log.review-read" && r.Decision == AccessDecision.Error && r.ActorUser == "fg-politie");
        Assert.Equal(4, missing.Count);
        Assert.All(missing, r => Assert.Null(r.Record.Case));

        // Another user of the same partner may review it: the actor is a partner and a user.
        var disposed = await hub.OkAsAsync("veilig-thuis", "fg-vt-2", OwnOfficer, HttpMethod.Post, $"/access-log/reviews/{seq}", new { disposition = "escalated", note = Note });
        Assert.Equal("escalated", disposed.GetProperty("item").GetProperty("disposition").GetProperty("disposition").GetString());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task An_employee_is_refused_every_route_and_recorded(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var pseudonym = await hub.NewCaseAsync();
        await hub.EmergencyReadAsync(pseudonym, Justification);
        var seq = (await hub.LogAsync(r => r.Emergency)).Single().Seq;
        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
                 {
                     (HttpMethod.Get, "/access-log/reviews", null), (HttpMethod.Get, $"/access-log/reviews/{seq}", null),
                     (HttpMethod.Post, $"/access-log/reviews/{seq}", new { disposition = "justified", note = "Geen functie" }),
                 })
        {
            using var response = await hub.SendAsync("politie", method, path, body);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.DoesNotContain(Justification, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var denials = await hub.LogAsync(r => r.Decision == AccessDecision.Deny && r.Operation!.StartsWith("access-log.review", StringComparison.Ordinal));
        Assert.Equal(["access-log.review", "access-log.review-read", "access-log.reviews"], denials.Select(r => r.Record.Operation).Order(StringComparer.Ordinal));
        Assert.All(denials, r => Assert.Equal("politie-user", r.Record.ActorUser));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_malformed_request_is_a_400_naming_the_member_and_recorded(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var pseudonym = await hub.NewCaseAsync();
        await hub.EmergencyReadAsync(pseudonym, Justification);
        var seq = (await hub.LogAsync(r => r.Emergency)).Single().Seq;
        var token = await hub.TokenAsync("zvh", "fg-hub", Officer);
        (string Json, string Member)[] bodies =
        [
            ("null", "request"), ("{\"disposition\": 5, \"note\": \"x\"}", "disposition"), ("{\"disposition\": \"maybe\", \"note\": \"x\"}", "'disposition'"),
            ("{\"note\": \"x\"}", "'disposition'"), ("{\"disposition\": \"justified\", \"note\": \"\"}", "'note'"), ("{\"disposition\": \"justified\"}", "'note'"),
            ($"{{\"disposition\": \"justified\", \"note\": \"{new string('n', ReviewQueue.MaxNoteLength + 1)}\"}}", "'note'"),
            ("{\"disposition\": \"justified\", \"note\": [\"x\"]}", "note"),
        ];
        foreach (var (json, member) in bodies)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/access-log/reviews/{seq}") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await hub.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{json[..Math.Min(60, json.Length)]}: {(int)response.StatusCode} {text}");
            Assert.Contains(member, text, StringComparison.Ordinal);
        }

        foreach (var (query, member) in new[] { ("state=closed", "'state'"), ("limit=0", "'limit'"), ("cursor=bm9wZQ", "'cursor'") })
        {
            using var response = await hub.SendAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/reviews?" + query);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode} {text}");
            Assert.Contains(member, text, StringComparison.Ordinal);
        }

        // Unknown and malformed numbers, and a record without the review obligation: as missing, recorded.
        var plain = (await hub.LogAsync(r => !r.Emergency)).First().Seq;
        foreach (var path in new[] { "/access-log/reviews/987654", "/access-log/reviews/abc", $"/access-log/reviews/{plain}" })
        {
            using var response = await hub.SendAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        var log = await hub.LogAsync(everyKind: true);
        Assert.Equal(bodies.Length, log.Count(r => r.Record.Operation == "access-log.review" && r.Record.Decision == AccessDecision.Error));
        Assert.Equal(3, log.Count(r => r.Record.Operation == "access-log.reviews" && r.Record.Decision == AccessDecision.Error));
        Assert.Equal(["review;seq=987654", "review;seq=invalid", $"review;seq={plain}"],
            log.Where(r => r.Record.Operation == "access-log.review-read" && r.Record.Decision == AccessDecision.Error).Select(r => r.Record.Subject));
        Assert.Empty((await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/reviews?state=disposed")).GetProperty("items").EnumerateArray());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_review_open_longer_than_the_configured_days_is_overdue_and_the_queue_pages_oldest_first(string engine)
    {
        var now = DateTimeOffset.UtcNow;
        var clock = new FakeTimeProvider(now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)));
        await using var hub = await CaseHub.StartAsync(engine, clock, new Dictionary<string, string?> { ["LogReview:ReviewWithinDays"] = "3" });
        await hub.WarmTokensAsync("veilig-thuis");
        await hub.TokenAsync("zvh", "fg-hub", Officer);
        var first = await hub.NewCaseAsync();
        await hub.EmergencyReadAsync(first, Justification);
        clock.Advance(TimeSpan.FromDays(2));
        var second = await hub.NewCaseAsync();
        await hub.EmergencyReadAsync(second, Justification);
        clock.Advance(TimeSpan.FromDays(2)); // the first open 4 days, the second 2
        var third = await hub.NewCaseAsync();
        await hub.EmergencyReadAsync(third, Justification);

        var page = await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/reviews?limit=2");
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([first, second], items.Select(i => i.GetProperty("case").GetString()));
        Assert.Equal([(4, true), (2, false)], items.Select(i => (i.GetProperty("daysOpen").GetInt32(), i.GetProperty("overdue").GetBoolean())));
        Assert.Equal(3, page.GetProperty("reviewWithinDays").GetInt32());
        var next = page.GetProperty("next").GetString()!;
        var rest = await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/reviews?limit=2&cursor=" + Uri.EscapeDataString(next));
        var last = Assert.Single(rest.GetProperty("items").EnumerateArray());
        Assert.Equal((third, 0, false), (last.GetProperty("case").GetString(), last.GetProperty("daysOpen").GetInt32(), last.GetProperty("overdue").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("next").ValueKind);

        // Disposed, a review is no longer overdue; its days open are those until the disposition.
        clock.Advance(TimeSpan.FromDays(1));
        var seq = items[0].GetProperty("seq").GetInt64();
        await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Post, $"/access-log/reviews/{seq}", new { disposition = "unjustified", note = Note });
        clock.Advance(TimeSpan.FromDays(3));
        var done = Assert.Single((await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/reviews?state=disposed")).GetProperty("items").EnumerateArray());
        Assert.Equal((5, false), (done.GetProperty("daysOpen").GetInt32(), done.GetProperty("overdue").GetBoolean()));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_purged_cases_release_cannot_be_disposed_with_a_note(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var pseudonym = await hub.NewCaseAsync();
        await hub.EmergencyReadAsync(pseudonym, Justification);
        var seq = (await hub.LogAsync(r => r.Emergency)).Single().Seq;
        await hub.Factory.Services.GetRequiredService<CaseKeyRing>().DestroyAsync(pseudonym, AccessLogJustifications.KeyCategory, CancellationToken.None);

        var detail = await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, $"/access-log/reviews/{seq}");
        Assert.Equal(JsonValueKind.Null, detail.GetProperty("justification").ValueKind);
        Assert.True(detail.GetProperty("justificationSealed").GetBoolean());
        using var response = await hub.SendAsAsync("zvh", "fg-hub", Officer, HttpMethod.Post, $"/access-log/reviews/{seq}", new { disposition = "justified", note = Note });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("destroyed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(await hub.LogAsync(r => r.Operation == "access-log.review" && r.Decision == AccessDecision.Error && r.Case?.Value == pseudonym));
        Assert.Single((await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/reviews")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public void The_review_period_is_validated()
    {
        var validator = new ReviewOptionsValidator();
        Assert.True(validator.Validate(null, new ReviewOptions()).Succeeded);
        Assert.Contains("LogReview:ReviewWithinDays", validator.Validate(null, new ReviewOptions { ReviewWithinDays = 0 }).FailureMessage, StringComparison.Ordinal);
        Assert.True(validator.Validate(null, new ReviewOptions { ReviewWithinDays = 366 }).Failed);
    }
}
