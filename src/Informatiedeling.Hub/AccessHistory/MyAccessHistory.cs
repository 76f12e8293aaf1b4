using System.Globalization;
using System.Security.Claims;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Access;
using Informatiedeling.Storage.AccessLog;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Informatiedeling.Hub.AccessHistory;

/// <summary>
/// <c>GET /access-log/mine</c>, "mijn inzage": the signed-in employee's own access history (NEN 7513), newest first,
/// page by page. The partner and the user come from the caller as admission established it, never from the request,
/// so nobody can read another's history; the request names only where to continue and how many. Each page is itself
/// a log read, recorded through the gate before a line is returned, naming its parameters and never a personal value,
/// and so it appears in the history it reads from the next page on.
/// </summary>
internal sealed class MyAccessHistory(Gate gate, AccessLogStore store)
{
    public static readonly AccessRoute Mine = new("access-log.mine", Kind: AccessEventKind.LogRead);
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public async Task<Results<Ok<MyAccessPage>, BadRequestProblem, ForbiddenProblem>> ListAsync(
        ClaimsPrincipal user, string? cursorText, string? limitText, CancellationToken cancellationToken)
    {
        var access = gate.Enter(user, Mine);
        var problems = new List<string>();
        MyAccessCursor? cursor = null;
        if (cursorText is not null && !MyAccessCursor.TryParse(cursorText, out cursor))
        {
            problems.Add("'cursor' must be the 'next' of an earlier page, as given");
        }

        var limit = Paging.Limit(limitText, DefaultLimit, MaxLimit, problems);
        if (problems.Count > 0)
        {
            return await gate.InvalidAsync(access, "The cursor or limit of the access history is not valid", problems, cancellationToken);
        }

        if (access.Caller is not { User: { Length: > 0 } me, ActorPartner: { } partner })
        {
            // Without a user and a partner there is no one whose history this is; a query without them would be everyone's.
            await gate.RecordAsync(access, AccessDecision.Deny, null, cancellationToken, subject: "mine;no-user");
            return new ForbiddenProblem(new()
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "No user to show the history of",
                Detail = "The sign-in names no user of a known partner, so there is no access history of one's own to show.",
            });
        }

        var before = cursor?.BeforeSeq;
        var subject = string.Create(CultureInfo.InvariantCulture, $"mine;before={(before is { } b ? b.ToString(CultureInfo.InvariantCulture) : "head")};limit={limit}");

        // No record, no read: the read is on the log before the query runs.
        await gate.PermitAsync(access, cancellationToken, subject);
        var found = await store.QueryAsync(
            new AccessLogQuery { Partner = partner, User = me, BeforeSeq = before, NewestFirst = true, Limit = limit + 1 }, cancellationToken);
        var more = found.Count > limit;
        var page = found.Take(limit).Select(Entry).ToList();
        var next = more ? new MyAccessCursor(page[^1].Seq).ToString() : null;
        return TypedResults.Ok(new MyAccessPage(page, next));
    }

    private static MyAccessRecord Entry(LoggedRecord logged)
    {
        var r = logged.Record;
        return new MyAccessRecord(
            logged.Seq,
            r.OccurredAt,
            AccessLogNames.Kind(r.Kind),
            r.Operation,
            r.Case?.Value,
            r.Purpose?.Value,
            r.Decision == AccessDecision.None ? null : AccessLogNames.Decision(r.Decision),
            r.Rule,
            r.Article);
    }
}

/// <summary>One record of the caller's own access history: when, what, on which case and under which purpose, the decision and what it rests on.</summary>
public sealed record MyAccessRecord(
    long Seq,
    DateTimeOffset At,
    string Kind,
    string? Operation,
    string? Case,
    string? Purpose,
    string? Decision,
    string? Rule,
    string? Article);

/// <summary>A page of the caller's own access history, newest first; <see cref="Next"/> is the cursor for older records, null on the last page.</summary>
public sealed record MyAccessPage(IReadOnlyList<MyAccessRecord> Records, string? Next);
