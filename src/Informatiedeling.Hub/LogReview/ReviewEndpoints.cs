using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.LogReview;

/// <summary>The privacy officer's review queue of the releases under review (emergency releases): the queue, one item, a disposition.</summary>
internal static class ReviewEndpoints
{
    public static void MapReviewEndpoints(this WebApplication app)
    {
        var log = app.MapGroup("/access-log/reviews").RequireAuthorization().RequireRateLimiting(RateLimiting.PerUser).WithTags("Access log");
        log.MapGet("", ([FromQuery] string? state, [FromQuery] string? cursor, [FromQuery] string? limit, HttpContext http, ReviewQueue queue) =>
                queue.ListAsync(http.User, state, cursor, limit, http.RequestAborted))
            .WithRoute(ReviewQueue.QueueRoute, "ListAccessReviews")
            .WithSummary("The review queue (the privacy officer): every release with the review obligation (emergency releases), oldest first, until it is disposed.")
            .WithDescription(
                "'state' open (default), disposed or all; 'limit' 1 to " + ReviewQueue.MaxLimit + ", default " + ReviewQueue.DefaultLimit +
                "; 'cursor' the opaque 'next' of the page before. Each item: seq, when, who, case, purpose and legal ground, categories and fields released, " +
                "rule and article, days open, 'overdue' (open longer than LogReview:ReviewWithinDays), and once disposed the disposition, reviewer and when. " +
                "A partner's own privacy officer sees its own employees' releases only. Each page is recorded as a log read.");
        log.MapGet("/{seq}", (string seq, HttpContext http, ReviewQueue queue) => queue.ShowAsync(http.User, seq, http.RequestAborted))
            .WithRoute(ReviewQueue.ItemRoute, "ShowAccessReview")
            .WithSummary("One release under review with its sealed justification opened, and once disposed the note (the privacy officer only).")
            .WithDescription("The read is recorded about the case, naming the seq, never the text. Another partner's employee's release is answered as missing (404).");
        log.MapPost("/{seq}", (string seq, DispositionRequest request, HttpContext http, ReviewQueue queue) => queue.DisposeAsync(http.User, seq, request, http.RequestAborted))
            .WithRoute(ReviewQueue.DisposalRoute, "DisposeAccessReview")
            .WithSummary("Dispose a release under review: justified, unjustified or escalated, with a note sealed under the case's key.")
            .WithDescription(
                "Body { \"disposition\": \"justified\"|\"unjustified\"|\"escalated\", \"note\": \"…\" } (note 1 to " + ReviewQueue.MaxNoteLength + " characters). " +
                "Recorded in the access log about the case before it is stored. The actor of the release cannot review it (403); a second disposition is refused (409); " +
                "so is one on a purged case, whose key is destroyed (409).");
    }
}
