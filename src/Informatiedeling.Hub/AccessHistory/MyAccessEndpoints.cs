using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.AccessHistory;

/// <summary>The caller's own access history: what was done in their name, as the access log recorded it.</summary>
internal static class MyAccessEndpoints
{
    public static void MapMyAccessEndpoints(this WebApplication app)
    {
        app.MapGet("/access-log/mine", ([FromQuery] string? cursor, [FromQuery] string? limit, HttpContext http, MyAccessHistory history) =>
                history.ListAsync(http.User, cursor, limit, http.RequestAborted))
            .RequireAuthorization()
            .RequireRateLimiting(RateLimiting.PerUser)
            .WithTags("Access log")
            .WithRoute(MyAccessHistory.Mine, "ListMyAccessHistory")
            .WithSummary("My access history: the access-log records of your own requests (the user and partner of your sign-in), newest first, page by page.")
            .WithDescription("When, what, on which case and under which purpose, the decision, and the rule and article it rests on. " +
                $"'limit' 1 to {MyAccessHistory.MaxLimit}, default {MyAccessHistory.DefaultLimit}; 'cursor' the opaque 'next' of the page before " +
                "(absent: the newest; 'next' is null on the last page). No one else's history can be asked for. Each page is itself recorded as a log read.");
    }
}
