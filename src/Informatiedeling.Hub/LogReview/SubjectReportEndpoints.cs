using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.LogReview;

/// <summary>The data subject's report on the access log (AVG art. 15, CJEU C-579/21): by case, or by person through the blind index.</summary>
internal static class SubjectReportEndpoints
{
    public static void MapSubjectReportEndpoints(this WebApplication app)
    {
        var log = app.MapGroup("/access-log").RequireAuthorization().RequireRateLimiting(RateLimiting.PerUser).WithTags("Access log");
        const string Common =
            "Per access that released data of the file(s): the date, purpose, legal ground, receiving partner and role and the categories released. " +
            "The employees' user ids are left out unless 'reason' gives why they are needed (rights-exercise, unlawful-access-suspected); the reason " +
            "is recorded with the read. The report carries the latest signed checkpoint (one is issued when the log grew past it) and an inclusion " +
            "proof per access; 'binding' says whether each access carries its leaf ('leaf', when the employees are named: every shown field is " +
            "checked against the signed record) or only its leaf hash ('hash-only': the record's inclusion verifies, the shown fields are not bound). " +
            "Check it with 'infodeel log verify-report'. The hub's privacy officer reports every partner's accesses, a partner's own privacy officer " +
            "its own employees'; anyone else is refused (403). A file that does not exist or lies outside the scope: 404, recorded.";
        log.MapGet("/subject-report", ([FromQuery] string? @case, [FromQuery] string? reason, HttpContext http, SubjectReports reports) =>
                reports.ForCaseAsync(http.User, new SubjectReportRequest(@case, reason), http.RequestAborted))
            .WithRoute(SubjectReports.ByCase, "SubjectReportByCase")
            .WithSummary("A data subject's report of one file (the privacy officer): every access that released its data, with a signed checkpoint and inclusion proofs.")
            .WithDescription(Common);
        log.MapPost("/subject-report", (SubjectReportPersonRequest request, HttpContext http, SubjectReports reports) =>
                reports.ForPersonAsync(http.User, request, http.RequestAborted))
            .WithRoute(SubjectReports.ByPerson, "SubjectReportByPerson")
            .WithSummary("A data subject's report of a person (the privacy officer), whose files are found through the keyed blind index of name and date of birth.")
            .WithDescription(Common + " The name and date of birth go in the body, never in a URL, and are never recorded.");
    }
}
