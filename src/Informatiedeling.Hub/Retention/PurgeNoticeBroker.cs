using System.Globalization;
using System.Security.Claims;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Access;
using Informatiedeling.Storage.Retention;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Informatiedeling.Hub.Retention;

/// <summary>
/// The purge-notice feed (convenant art. 8.6) for partners' systems: each partner reads, in order after its cursor,
/// the notices of cases on which it held a role or an invitation, and deletes its own copies of what was purged.
/// </summary>
internal sealed class PurgeNoticeBroker(Gate gate, PurgeNoticeFeed feed)
{
    public static readonly AccessRoute Notices = new("retention.purge-notices.read");
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public async Task<Results<Ok<PurgeNoticePage>, BadRequestProblem>> ReadAsync(ClaimsPrincipal user, string? afterText, string? limitText, CancellationToken cancellationToken)
    {
        var access = gate.Enter(user, Notices);
        var problems = new List<string>();
        long after = 0;
        if (afterText is not null && (!long.TryParse(afterText, NumberStyles.None, CultureInfo.InvariantCulture, out after) || after < 0))
        {
            problems.Add("'after' must be a seq the feed gave (a whole number, 0 or more)");
        }

        var limit = Paging.Limit(limitText, DefaultLimit, MaxLimit, problems);

        if (problems.Count > 0)
        {
            return await gate.InvalidAsync(access, "The feed's cursor or limit is not valid", problems, cancellationToken);
        }

        // The feed filters to the cases on which the partner held a role or an invitation, in its query.
        var rows = await feed.ReadAsync(access.Caller.Partner, after, limit, cancellationToken);
        var next = rows.Count == 0 ? after : rows[^1].Seq;
        await gate.PermitAsync(access, cancellationToken, string.Create(CultureInfo.InvariantCulture, $"after={after};next={next};notices={rows.Count}"));
        return TypedResults.Ok(new PurgeNoticePage(
            [.. rows.Select(r => new PurgeNotice(r.Seq, r.Case, Split(r.Categories), r.PurgedAt, Split(r.Rules), Split(r.Articles)))],
            next));
    }

    private static string[] Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
