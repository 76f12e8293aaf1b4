using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.LogReview;

/// <summary>The privacy officer's routes on the access log: search, persons through the blind index.</summary>
internal static class LogReviewEndpoints
{
    public static void MapLogReviewEndpoints(this WebApplication app)
    {
        var log = app.MapGroup("/access-log").RequireAuthorization().RequireRateLimiting(RateLimiting.PerUser).WithTags("Access log");
        log.MapGet("/records", (
                [FromQuery] string? @case, [FromQuery] string? partner, [FromQuery] string? user, [FromQuery] string? from, [FromQuery] string? to,
                [FromQuery] string? kind, [FromQuery] string? decision, [FromQuery] string? purpose, [FromQuery] string? rule, [FromQuery] string? emergency,
                [FromQuery] string? cursor, [FromQuery] string? limit, HttpContext http, LogSearch search) =>
                search.SearchAsync(http.User, new LogSearchRequest(@case, partner, user, from, to, kind, decision, purpose, rule, emergency, cursor, limit), http.RequestAborted))
            .WithRoute(LogSearch.Records, "SearchAccessLog")
            .WithSummary("Search the access log (the privacy officer): by case, employee, partner, time window, kind, decision, purpose, rule and emergency, combined; newest first, page by page.")
            .WithDescription(
                "'case' one pseudonym or several separated by commas (the files of one person, see POST /access-log/persons); 'user' with 'partner' (an " +
                "employee); 'from' and 'to' a date (a day in the Netherlands; 'to' includes that day) or an ISO 8601 instant with offset ('to' excluded); " +
                "'kind' an event kind (access-decision, log-read, …); 'decision' permit, partial, deny or error; 'emergency' true or false. " +
                $"'limit' 1 to {LogSearch.MaxLimit}, default {LogSearch.DefaultLimit}; 'cursor' the opaque 'next' of the page before. The hub's privacy " +
                "officer searches every partner's records, a partner's own privacy officer its own employees' only; anyone else is refused (403). " +
                "Each page is itself recorded as a log read naming its parameters, never a personal value.");
        log.MapPost("/persons", (PersonSearchRequest request, HttpContext http, LogSearch search) => search.FindPersonAsync(http.User, request, http.RequestAborted))
            .WithRoute(LogSearch.Persons, "FindPersonInAccessLog")
            .WithSummary("The files of a person (the privacy officer), found through the keyed blind index of name and date of birth: search the log by their pseudonyms.")
            .WithDescription("The name and date of birth go in the body, never in a URL, and are never recorded: the search is a log read recorded under each file it found.");
    }
}
