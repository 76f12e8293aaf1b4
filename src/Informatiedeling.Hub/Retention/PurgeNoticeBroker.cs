using System.Globalization;
using System.Security.Claims;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Hub.Cases;
using Informatiedeling.Policy;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Retention;

namespace Informatiedeling.Hub.Retention;

/// <summary>
/// The purge-notice feed (convenant art. 8.6) for partners' systems: each partner reads, in order after its cursor,
/// the notices of cases on which it held a role or an invitation, and deletes its own copies of what was purged.
/// </summary>
internal sealed class PurgeNoticeBroker(PolicyHolder policy, PurgeNoticeFeed feed, IAccessLog accessLog, TimeProvider time)
{
    public const string Operation = "retention.purge-notices.read";
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public async Task<IResult> ReadAsync(ClaimsPrincipal user, string? afterText, string? limitText, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        long after = 0;
        if (afterText is not null && (!long.TryParse(afterText, NumberStyles.None, CultureInfo.InvariantCulture, out after) || after < 0))
        {
            problems.Add("'after' must be a seq the feed gave (a whole number, 0 or more)");
        }

        var limit = DefaultLimit;
        if (limitText is not null && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            problems.Add($"'limit' must be a whole number from 1 to {MaxLimit}");
        }

        var engine = policy.Current;
        var now = time.GetUtcNow();
        if (problems.Count > 0)
        {
            await accessLog.AppendAsync(RetentionRecords.For(user, AccessEventKind.AccessDecision, Operation, AccessDecision.Error, now, engine), cancellationToken);
            return Problems.BadRequest("The feed's cursor or limit is not valid", problems);
        }

        var rows = await feed.ReadAsync(user.PartnerOf()!, after, limit, cancellationToken);
        var next = rows.Count == 0 ? after : rows[^1].Seq;
        await accessLog.AppendAsync(
            RetentionRecords.For(user, AccessEventKind.AccessDecision, Operation, AccessDecision.Permit, now, engine,
                subject: string.Create(CultureInfo.InvariantCulture, $"after={after};next={next};notices={rows.Count}")),
            cancellationToken);
        return TypedResults.Ok(new PurgeNoticePage(
            [.. rows.Select(r => new PurgeNotice(r.Seq, r.Case, Split(r.Categories), r.PurgedAt, Split(r.Rules), Split(r.Articles)))],
            next));
    }

    private static string[] Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
