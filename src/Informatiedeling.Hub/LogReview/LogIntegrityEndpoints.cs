using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.LogReview;

/// <summary>The privacy officer's routes on the log's integrity and its export for an external auditor.</summary>
internal static class LogIntegrityEndpoints
{
    public static void MapLogIntegrityEndpoints(this WebApplication app)
    {
        var log = app.MapGroup("/access-log").RequireAuthorization().RequireRateLimiting(RateLimiting.PerUser).WithTags("Access log");
        log.MapGet("/integrity", (HttpContext http, LogIntegrity integrity) => integrity.StatusAsync(http.User, http.RequestAborted))
            .WithRoute(LogIntegrity.Status, "AccessLogIntegrity")
            .WithSummary("The access log's integrity at a glance (the privacy officer): the latest signed checkpoint, the last verification and its result, the last comparison with a kept checkpoint.")
            .WithDescription("Read from the stored checkpoints and the recorded checks, not by decoding the log. The hub's privacy officer and a partner's own privacy officer; anyone else is refused (403). Recorded as a log read.");
        log.MapPost("/integrity/verify", (HttpContext http, LogIntegrity integrity) => integrity.VerifyAsync(http.User, http.RequestAborted))
            .WithRoute(LogIntegrity.Verify, "VerifyAccessLog")
            .WithSummary("Verify the whole access log now (the hub's privacy officer): seq, leaf hashes, tree, every stored checkpoint; the result is recorded before it is answered.")
            .WithDescription("Expensive: one at a time on an instance (409 while one runs) and not sooner than LogReview:VerifyInterval after the last (429). " +
                "The result (verified or failed, records, first bad seq) is an access-log record and is shown by GET /access-log/integrity.");
        log.MapPost("/integrity/consistency", (KeptCheckpointRequest request, HttpContext http, LogIntegrity integrity) => integrity.ConsistencyAsync(http.User, request, http.RequestAborted))
            .WithRoute(LogIntegrity.Consistency, "CheckKeptCheckpoint")
            .WithSummary("Whether the log is consistent with a checkpoint a witness kept (the privacy officer): an RFC 9162 consistency proof from its size to the latest signed checkpoint.")
            .WithDescription("'checkpoint' the signed note text as the hub gave it (infodeel log checkpoint). Not one this hub signed: 400 naming the member. " +
                "Answered consistent or not with the reason, the latest checkpoint and the proof; recorded as a log read with the sizes and the outcome.");
        log.MapGet("/export", (
                [FromQuery] string? format, [FromQuery] string? @case, [FromQuery] string? partner, [FromQuery] string? user, [FromQuery] string? from, [FromQuery] string? to,
                [FromQuery] string? kind, [FromQuery] string? decision, [FromQuery] string? purpose, [FromQuery] string? rule, [FromQuery] string? emergency,
                [FromQuery] string? cursor, [FromQuery] string? limit, HttpContext http, LogExport export) =>
                export.ExportAsync(http.User, format, new LogSearchRequest(@case, partner, user, from, to, kind, decision, purpose, rule, emergency, cursor, limit), http.RequestAborted))
            .WithRoute(LogExport.Export, "ExportAccessLog")
            .WithSummary("Export a search of the access log for an external auditor (the privacy officer): JSON Lines or CSV with NEN 7513 field names and the signed checkpoint it is consistent with.")
            .WithDescription("'format' jsonl (default) or csv; the other parameters as GET /access-log/records, in the same scope. Every record matching in the log up to the checkpoint " +
                "(X-Checkpoint-Size, -Root, -Note as base64, -Verifier-Key; in JSON Lines also the first line), newest first, streamed. At most LogReview:ExportMaxRows records " +
                "(or 'limit'); then JSON Lines ends with \"afgekapt\": true and a CSV with a row whose volgnummer is 'afgekapt'. Recorded as a log read naming its parameters before it starts.");
    }
}
