using System.Net;
using System.Text.Json;
using Informatiedeling.AccessLog.Checkpoints;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Hub.Tests.Cases;
using Informatiedeling.Storage.AccessLog;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.LogReview;

/// <summary>
/// <c>GET</c> and <c>POST /access-log/subject-report</c> on both engines: exactly the releases of the person's files and
/// nothing of another; the employees named only with a reason, which is recorded; by person through the blind index
/// (both files of the person, the name in no record); a partner's own privacy officer sees its own employees' accesses
/// only; refusals recorded; and the proofs verify with the code <c>infodeel log verify-report</c> runs.
/// </summary>
public sealed class SubjectReportTests
{
    private const string Officer = PartnerClaims.PrivacyOfficer;
    private const string OwnOfficer = PartnerClaims.PartnerPrivacyOfficer;
    private const string Name = "Persoon Inzageverzoek";

    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    private static bool Released(AccessRecord r) =>
        r.Kind == AccessEventKind.AccessDecision && r.Decision is AccessDecision.Permit or AccessDecision.Partial && r.CategoriesReleased.Count > 0;

    private static List<long> Seqs(JsonElement report) => [.. report.GetProperty("accesses").EnumerateArray().Select(a => a.GetProperty("seq").GetInt64())];

    private static SubjectReportVerdict Verify(CaseHub hub, JsonElement report)
    {
        var settings = hub.Factory.Services.GetRequiredService<AccessLogSettings>();
        using var verifier = CheckpointVerifier.FromVerifierKey(settings.Origin, hub.Factory.Services.GetRequiredService<CheckpointIssuer>().VerifierKey);
        return SubjectReportVerifier.Verify(report.GetRawText(), verifier);
    }

    /// <summary>
    /// Two files of one person (the first released by an emergency read and to kmar in casusoverleg, then closed; the
    /// second, taken in after, released by an emergency read) and one file of someone else, released too.
    /// </summary>
    private static async Task<(string First, string Second, string Other)> SeedAsync(CaseHub hub)
    {
        await hub.WarmTokensAsync("veilig-thuis", "zvh", "kmar");
        async Task<string> IntakeAsync()
        {
            using var intake = await hub.SendAsync("veilig-thuis", HttpMethod.Post, "/cases",
                Reports.Intake(Name, new DateOnly(1987, 6, 5), new Dictionary<string, string> { ["persoon.achternaam"] = "Inzageverzoek", ["melding.uitbuitingsvorm"] = "arbeid" }));
            Assert.Equal(HttpStatusCode.Created, intake.StatusCode);
            return JsonDocument.Parse(await intake.Content.ReadAsStringAsync()).RootElement.GetProperty("pseudonym").GetString()!;
        }

        var first = await IntakeAsync();
        await hub.EmergencyReadAsync(first, "Fictief acuut gevaar een");
        await hub.MoveToAsync(first, "casusoverleg");
        await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{first}/invitations", new { partner = "kmar", until = DateTimeOffset.UtcNow.AddDays(30) });
        await hub.OkAsync("kmar", HttpMethod.Get, $"/cases/{first}/data?purpose=casusoverleg");
        await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{first}/weighings", new { weighing = "tweede-weging", fields = new Dictionary<string, string> { ["tweede-weging.uitkomst"] = "mensenhandel-en-zorg" } });
        await hub.MoveToAsync(first, "uitvoering");
        await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{first}/closure", new { reason = "afgerond" });

        // The person reported again after the first file closed: a second file.
        var second = await IntakeAsync();
        Assert.NotEqual(first, second);
        await hub.EmergencyReadAsync(second, "Fictief acuut gevaar twee");
        var other = await hub.NewCaseAsync();
        await hub.EmergencyReadAsync(other, "Fictief acuut gevaar ander");
        return (first, second, other);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task The_report_of_a_case_holds_exactly_its_releases_identities_only_with_a_recorded_reason_and_the_proofs_verify(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var (first, _, other) = await SeedAsync(hub);
        var expected = (await hub.LogAsync(r => Released(r) && r.Case?.Value == first)).ToList();
        Assert.True(expected.Count >= 2, "the seed released the first file at least twice");
        Assert.Contains(expected, r => r.Record.ActorPartner?.Value == "kmar");

        var report = await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, $"/access-log/subject-report?case={first}");
        Assert.Equal(expected.Select(r => r.Seq), Seqs(report));
        Assert.DoesNotContain(other, report.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("hash-only", report.GetProperty("binding").GetString());
        Assert.False(report.GetProperty("identities").GetBoolean());
        foreach (var (row, record) in report.GetProperty("accesses").EnumerateArray().Zip(expected))
        {
            Assert.Equal(JsonValueKind.Null, row.GetProperty("user").ValueKind);
            Assert.Equal(JsonValueKind.Null, row.GetProperty("leaf").ValueKind);
            Assert.Equal(record.Record.ActorPartner?.Value, row.GetProperty("partner").GetString());
            Assert.Equal(record.Record.Role, row.GetProperty("role").GetString());
            Assert.Equal(record.Record.Purpose?.Value, row.GetProperty("purpose").GetString());
            Assert.Equal(record.Record.LegalGround, row.GetProperty("legalGround").GetString());
            Assert.Equal(record.Record.CategoriesReleased, row.GetProperty("categoriesReleased").EnumerateArray().Select(c => c.GetString()!));
            Assert.Equal(record.RecordedAt, row.GetProperty("date").GetDateTimeOffset());
        }

        var verdict = Verify(hub, report);
        Assert.True(verdict.Verified, verdict.Message);
        Assert.True(report.GetProperty("checkpoint").GetProperty("size").GetInt64() > expected.Max(r => r.Seq));

        // With a reason from the closed list the employees are named, each access carries its leaf and every field is bound.
        var named = await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, $"/access-log/subject-report?case={first}&reason=rights-exercise");
        Assert.Equal("leaf", named.GetProperty("binding").GetString());
        Assert.Equal(expected.Select(r => r.Record.ActorUser), named.GetProperty("accesses").EnumerateArray().Select(a => a.GetProperty("user").GetString()));
        verdict = Verify(hub, named);
        Assert.True(verdict.Verified, verdict.Message);
        Assert.Contains("every shown field", verdict.Message, StringComparison.Ordinal);

        // A changed date in a bound report no longer verifies.
        var tampered = JsonDocument.Parse(named.GetRawText().Replace(
            named.GetProperty("accesses")[0].GetProperty("date").GetRawText(), "\"2001-01-01T00:00:00+00:00\"", StringComparison.Ordinal)).RootElement;
        Assert.False(Verify(hub, tampered).Verified);

        // Each report is a log read on the file naming the reason (or none), never a personal value.
        var reads = await hub.LogAsync(r => r.Operation == "access-log.subject-report", everyKind: true);
        Assert.Equal(
            ["subject-report;identities=none;hits=1", "subject-report;identities=rights-exercise;hits=1"],
            reads.Select(r => r.Record.Subject));
        Assert.All(reads, r => Assert.Equal((AccessEventKind.LogRead, AccessDecision.Permit, first, "fg-hub"), (r.Record.Kind, r.Record.Decision, r.Record.Case?.Value, r.Record.ActorUser)));

        // A partner's own privacy officer reports only its own employees' accesses, and a file they have none on is not found.
        var byKmar = await hub.OkAsAsync("kmar", "fg-kmar", OwnOfficer, HttpMethod.Get, $"/access-log/subject-report?case={first}&reason=unlawful-access-suspected");
        Assert.Equal(expected.Where(r => r.Record.ActorPartner?.Value == "kmar").Select(r => r.Seq), Seqs(byKmar));
        Assert.Equal("kmar", byKmar.GetProperty("scope").GetString());
        Assert.True(Verify(hub, byKmar).Verified);
        using (var none = await hub.SendAsAsync("kmar", "fg-kmar", OwnOfficer, HttpMethod.Get, $"/access-log/subject-report?case={other}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        }

        // A refusal of one of its employees, answered as for a case that does not exist, does not make the file found.
        (await hub.SendAsync("ggd", HttpMethod.Get, $"/cases/{other}")).Dispose();
        (await hub.SendAsAsync("ggd", "fg-ggd", OwnOfficer, HttpMethod.Get, $"/access-log/records?case={other}")).Dispose();
        using (var refusedOnly = await hub.SendAsAsync("ggd", "fg-ggd", OwnOfficer, HttpMethod.Get, $"/access-log/subject-report?case={other}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, refusedOnly.StatusCode);
        }
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task The_report_of_a_person_holds_both_files_through_the_blind_index_and_the_name_is_in_no_record(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var (first, second, other) = await SeedAsync(hub);
        var expected = await hub.LogAsync(r => Released(r) && (r.Case?.Value == first || r.Case?.Value == second));

        var report = await hub.OkAsAsync("zvh", "fg-hub", Officer, HttpMethod.Post, "/access-log/subject-report", new { fullName = Name, dateOfBirth = "1987-06-05" });
        string[] person = [.. new[] { first, second }.Order(StringComparer.Ordinal)];
        Assert.Equal(person, report.GetProperty("cases").EnumerateArray().Select(c => c.GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(expected.Select(r => r.Seq), Seqs(report));
        Assert.DoesNotContain(other, report.GetRawText(), StringComparison.Ordinal);
        var verdict = Verify(hub, report);
        Assert.True(verdict.Verified, verdict.Message);

        using (var nobody = await hub.SendAsAsync("zvh", "fg-hub", Officer, HttpMethod.Post, "/access-log/subject-report", new { fullName = "Niemand Bekend", dateOfBirth = "1990-01-01" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, nobody.StatusCode);
        }

        var all = await hub.LogAsync(everyKind: true);
        Assert.DoesNotContain(all, r => (r.Record.Subject ?? "").Contains("Inzageverzoek", StringComparison.Ordinal) || (r.Record.Subject ?? "").Contains("Niemand", StringComparison.Ordinal));
        var reads = all.Where(r => r.Record.Operation == "access-log.subject-report.person").ToList();
        Assert.Equal(person, reads.Where(r => r.Record.Kind == AccessEventKind.LogRead).Select(r => r.Record.Case!.Value.Value).Order(StringComparer.Ordinal));
        var missing = Assert.Single(reads, r => r.Record.Decision == AccessDecision.Error);
        Assert.Equal(("subject-report;identities=none;hits=0", null), (missing.Record.Subject, missing.Record.Case?.Value));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task An_employee_is_refused_a_malformed_request_is_a_400_naming_the_member_and_a_missing_case_a_404_all_recorded(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var pseudonym = await hub.NewCaseAsync();
        using (var employee = await hub.SendAsync("politie", HttpMethod.Get, $"/access-log/subject-report?case={pseudonym}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, employee.StatusCode);
        }

        using (var employee = await hub.SendAsync("politie", HttpMethod.Post, "/access-log/subject-report", new { fullName = "Iemand Anders", dateOfBirth = "1990-01-01" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, employee.StatusCode);
        }

        (string Query, string Member)[] malformed = [("case=niet-een-pseudoniem", "'case'"), ("", "'case'"), ($"case={pseudonym}&reason=nieuwsgierig", "'reason'")];
        foreach (var (query, member) in malformed)
        {
            using var response = await hub.SendAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, "/access-log/subject-report?" + query);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode} {text}");
            Assert.Contains(member, text, StringComparison.Ordinal);
        }

        using (var badReason = await hub.SendAsAsync("zvh", "fg-hub", Officer, HttpMethod.Post, "/access-log/subject-report", new { fullName = "Iemand Anders", dateOfBirth = "1990-01-01", reason = "want ik wil het weten" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badReason.StatusCode);
        }

        var unknown = Informatiedeling.Cases.CasePseudonym.New().Value;
        using (var missing = await hub.SendAsAsync("zvh", "fg-hub", Officer, HttpMethod.Get, $"/access-log/subject-report?case={unknown}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        var log = await hub.LogAsync(r => r.Operation is "access-log.subject-report" or "access-log.subject-report.person", everyKind: true);
        Assert.Equal(
            [("access-log.subject-report", AccessDecision.Deny), ("access-log.subject-report.person", AccessDecision.Deny),
             ("access-log.subject-report", AccessDecision.Error), ("access-log.subject-report", AccessDecision.Error), ("access-log.subject-report", AccessDecision.Error),
             ("access-log.subject-report.person", AccessDecision.Error), ("access-log.subject-report", AccessDecision.Error)],
            log.Select(r => (r.Record.Operation!, r.Record.Decision)));
        Assert.DoesNotContain(log, r => (r.Record.Subject ?? "").Contains("Iemand", StringComparison.Ordinal) || (r.Record.Subject ?? "").Contains("weten", StringComparison.Ordinal));
        Assert.DoesNotContain(log, r => r.Record.Kind == AccessEventKind.LogRead);
    }
}
