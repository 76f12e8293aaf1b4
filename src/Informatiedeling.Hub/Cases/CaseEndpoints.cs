using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Cases;

/// <summary>The case API: take in a report, read a case's data under a purpose. Each route's answers are its broker's result type.</summary>
internal static class CaseEndpoints
{
    /// <summary>A written justification for an emergency release travels in a header, never in the URL.</summary>
    public const string JustificationHeader = "Informatiedeling-Justification";

    public static void MapCaseEndpoints(this WebApplication app)
    {
        var cases = app.MapGroup("/cases").RequireAuthorization().RequireRateLimiting(RateLimiting.PerUser).WithTags("Cases");

        cases.MapPost("/", (IntakeRequest request, HttpContext http, CaseBroker broker) => broker.IntakeAsync(http.User, request, http.RequestAborted))
            .WithRoute(CaseBroker.Intake, "TakeInReport")
            .WithSummary("The reporting point takes in a report: a new client file, or added to the open file of the same person (found through the blind index).");

        cases.MapGet("/", (
                [FromQuery] string? step, [FromQuery] string? status, [FromQuery] string? after, [FromQuery] string? limit, HttpContext http, CaseList list) =>
                list.ListAsync(http.User, step, status, after, limit, http.RequestAborted))
            .WithRoute(CaseList.List, "ListMyCases")
            .WithSummary("My cases: the cases on which your partner holds a role in the current step, with step, status, since when the case is in that step, and your role; page by page.")
            .WithDescription("A shell partner's cases only while its invitation runs. Most recently entered step first, then by pseudonym. " +
                "'step' one of the convenant's steps and 'status' open or closed (absent: all); " +
                $"'limit' 1 to {CaseList.MaxLimit}, default {CaseList.DefaultLimit}; 'after' the opaque 'next' of the page before (absent: from the start; " +
                "'next' is null on the last page). Bad values are 400 problem details. Recorded in the access log per page.");

        cases.MapGet("/{pseudonym}/data", (
                string pseudonym,
                [FromQuery] string? purpose,
                [FromQuery] string? categories,
                [FromQuery] string? fields,
                [FromHeader(Name = JustificationHeader)] string? justification,
                HttpContext http,
                CaseBroker broker) => broker.ReadAsync(http.User, pseudonym, ReadQuestion.Parse(purpose, categories, fields, justification), http.RequestAborted))
            .WithRoute(CaseBroker.Read, "ReadCaseData")
            .WithSummary("A case's data under a declared purpose: the released fields (optionally only those named in fields=), and each withheld category with the reason, rule and article; under evaluatie on a closed case only the anonymous evaluation record.");

        cases.MapLifecycleEndpoints();
    }
}
