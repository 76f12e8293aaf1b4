using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.LogReview;

/// <summary>The privacy officer's flags on the access log.</summary>
internal static class LogFlagsEndpoints
{
    public static void MapLogFlagsEndpoints(this WebApplication app)
    {
        app.MapGet("/access-log/flags", ([FromQuery] string? from, [FromQuery] string? to, HttpContext http, LogFlags flags) =>
                flags.FlagsAsync(http.User, from, to, http.RequestAborted))
            .RequireAuthorization().RequireRateLimiting(RateLimiting.PerUser).WithTags("Access log")
            .WithRoute(LogFlags.Flags, "AccessLogFlags")
            .WithSummary("Flags on the access log (the privacy officer): denials, accesses after closure, a shell partner in the last day of its invitation, bulk access, emergency releases, reads of the log.")
            .WithDescription(
                "'from' and 'to' a date (a day in the Netherlands; 'to' includes that day) or an ISO 8601 instant with offset ('to' excluded); by default " +
                $"the last 24 hours, at most {LogFlags.MaxWindow.TotalDays:0} days. Bulk access: more than LogReview:BulkCasesPerHour distinct cases by one " +
                $"user within one clock hour. At most {LogFlags.MaxPerKind} flags of a kind are listed ('truncated' says there were more). The hub's privacy " +
                "officer sees every partner's flags and the last daily run's counts; a partner's own privacy officer the flags of its own employees only; " +
                "anyone else is refused (403). The read is itself recorded as a log read naming its window.");
    }
}
