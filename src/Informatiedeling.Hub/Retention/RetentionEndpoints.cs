using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.Hosting;
using Informatiedeling.Storage.Retention;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Retention;

/// <summary>Legal holds on a case, the privacy officer's view of retention, and the purge-notice feed.</summary>
internal static class RetentionEndpoints
{
    public static IServiceCollection AddRetentionApi(this IServiceCollection services)
    {
        services.AddSingleton<LegalHoldStore>();
        services.AddSingleton<LegalHoldReasons>();
        services.AddSingleton<RetentionOverview>();
        services.AddSingleton<PurgeNoticeFeed>();
        services.AddSingleton<LegalHoldBroker>();
        services.AddSingleton<PrivacyOfficerBroker>();
        services.AddSingleton<PurgeNoticeBroker>();
        return services;
    }

    public static void MapRetentionEndpoints(this WebApplication app)
    {
        var holds = app.MapGroup("/cases/{pseudonym}/holds").RequireAuthorization().RequireRateLimiting(RateLimiting.PerUser).WithTags("Legal holds");
        holds.MapPost("/", (string pseudonym, LegalHoldRequest request, HttpContext http, LegalHoldBroker broker) =>
                broker.PlaceAsync(http.User, pseudonym, request, http.RequestAborted))
            .WithRoute(LegalHoldBroker.Place, "PlaceLegalHold")
            .WithSummary("The public prosecutor or the police places a legal hold (bewaarplicht, art. 8.5) on an open or closed case: its purge waits until the end date.")
            .WithDescription("Body: {\"reason\": free text (sealed at rest, never echoed), \"until\": end date, in the future and at most five years away}. " +
                "Allowed to om and politie holding a role on the case in any step; refused with 403 to partners with a role, answered as a missing case (404) " +
                "to those without. Recorded in the access log before it takes effect.");
        holds.MapGet("/", (string pseudonym, HttpContext http, LegalHoldBroker broker) => broker.ListAsync(http.User, pseudonym, http.RequestAborted))
            .WithRoute(LegalHoldBroker.List, "ListLegalHolds")
            .WithSummary("The legal holds in force on a case (id, placed by, placed at, until; never the reason), for the partners who may lift them.")
            .WithDescription("Decided and recorded as a lift is: om and politie with a role on the case in any step; 403 to other partners with a role, 404 to those without.");
        holds.MapDelete("/{id}", (string pseudonym, string id, HttpContext http, LegalHoldBroker broker) =>
                broker.LiftAsync(http.User, pseudonym, id, http.RequestAborted))
            .WithRoute(LegalHoldBroker.Lift, "LiftLegalHold")
            .WithSummary("The public prosecutor or the police lifts a legal hold; the purge resumes once the retention period has passed.");

        // The privacy officer's routes admit any signed-in caller; the gate refuses, and records, anyone without the function.
        var retention = app.MapGroup("/retention").RequireAuthorization().RequireRateLimiting(RateLimiting.PerUser).WithTags("Retention");
        retention.MapGet("/holds", (HttpContext http, PrivacyOfficerBroker broker) => broker.HoldsAsync(http.User, http.RequestAborted))
            .WithRoute(PrivacyOfficerBroker.Holds, "ActiveLegalHolds")
            .WithSummary("Privacy officer only: the active legal holds — case, placed by, until, and the reason unsealed. Recorded in the access log per hold.");
        retention.MapGet("/upcoming", (
                [FromQuery] string? after, [FromQuery] string? limit, [FromQuery] string? before, HttpContext http, PrivacyOfficerBroker broker) =>
                broker.UpcomingAsync(http.User, after, limit, before, http.RequestAborted))
            .WithRoute(PrivacyOfficerBroker.Upcoming, "UpcomingPurges")
            .WithSummary("Privacy officer only: per category of a closed case not yet purged, the date it will be purged, its rule and article, and whether a legal hold postpones it; page by page.")
            .WithDescription($"Ordered by purge date, then case pseudonym, then category. 'limit' 1 to {PrivacyOfficerBroker.MaxLimit}, default {PrivacyOfficerBroker.DefaultLimit}; " +
                "'after' the opaque 'next' of the page before (absent: from the start; 'next' is null on the last page); 'before' a date or date and time: " +
                "only purges due before it (give the same value with every page). A listing describes the instant of its first page ('at'): holds placed " +
                "and cases closed while paging do not move entries between pages. Bad values are 400 problem details. Recorded in the access log per page.");
        retention.MapGet("/purge-notices", (
                [FromQuery] string? after, [FromQuery] string? limit, HttpContext http, PurgeNoticeBroker broker) =>
                broker.ReadAsync(http.User, after, limit, http.RequestAborted))
            .WithRoute(PurgeNoticeBroker.Notices, "PurgeNotices")
            .WithSummary("The purge-notice feed (art. 8.6): notices after the cursor, in order, for cases on which the caller's partner held a role or an invitation.")
            .WithDescription($"'after' is the last seq read (0 or absent: from the start); 'limit' 1 to {PurgeNoticeBroker.MaxLimit}, default {PurgeNoticeBroker.DefaultLimit}. " +
                "Continue with after=next; an empty page keeps the cursor where it was.");
    }
}
