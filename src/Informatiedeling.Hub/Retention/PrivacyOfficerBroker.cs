using System.Globalization;
using System.Security.Claims;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Access;
using Informatiedeling.Policy;
using Informatiedeling.Retention;
using Informatiedeling.Storage;
using Informatiedeling.Storage.Retention;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Informatiedeling.Hub.Retention;

/// <summary>
/// What the privacy officer (convenant art. 8.5, 9.2) sees of retention: the active legal holds with their reasons,
/// and when the categories of each closed case will be purged. Every read is in the access log before it is answered.
/// </summary>
internal sealed class PrivacyOfficerBroker(
    Gate gate,
    LegalHoldStore holds,
    LegalHoldQueries activeHolds,
    LegalHoldReasons reasons,
    RetentionOverview overview,
    DatabaseClock clock)
{
    public static readonly AccessRoute Holds = new("retention.holds.read", Kind: AccessEventKind.LegalHold, PrivacyOfficerOnly: true);
    public static readonly AccessRoute Upcoming = new("retention.upcoming.read", PrivacyOfficerOnly: true);
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public async Task<Results<Ok<ActiveLegalHolds>, ForbiddenProblem>> HoldsAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsPrivacyOfficerAsync(user, Holds, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        var now = access.Now;
        var active = await holds.ActiveAsync(now, cancellationToken);
        var answer = new List<ActiveLegalHold>(active.Count);
        foreach (var hold in active)
        {
            CasePseudonym.TryParse(hold.Case, out var pseudonym);
            var reason = await reasons.OpenAsync(pseudonym, hold.Id, new SealedReason(hold.ReasonKeyVersion, hold.ReasonCiphertext), cancellationToken);
            answer.Add(new ActiveLegalHold(hold.Id, hold.Case, hold.PlacedByPartner, hold.PlacedByUser, hold.PlacedAt, hold.Until, reason));
        }

        // One record per hold whose reason leaves the hub, so that a data subject's request finds it under the case;
        // one without a case when there is none. All durable before the answer leaves.
        await (active.Count == 0
            ? gate.PermitAsync(access, cancellationToken)
            : Task.WhenAll(active.Select(h => gate.RecordAsync(access, AccessDecision.Permit, null, cancellationToken,
                subject: h.Id.ToString("N"), about: CasePseudonym.TryParse(h.Case, out var p) ? p : null))));
        return TypedResults.Ok(new ActiveLegalHolds(now, answer));
    }

    /// <summary>
    /// A page of the categories of closed cases not yet purged: per category the date it will be purged, by the
    /// convenant's retention calculation (<see cref="RetentionSchedule"/>) with the case's holds, its rule and article;
    /// in the order of purge date, case pseudonym, category. A listing describes one instant, that of its first page:
    /// the cursor carries it, so a hold placed or a case closed while the officer pages on moves nothing between pages
    /// (a category purged meanwhile drops out). One access-log record per page, before it is answered.
    /// </summary>
    public async Task<Results<Ok<UpcomingPurgePage>, BadRequestProblem, ForbiddenProblem>> UpcomingAsync(
        ClaimsPrincipal user, string? afterText, string? limitText, string? beforeText, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsPrivacyOfficerAsync(user, Upcoming, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        var engine = access.Engine;
        var now = access.Now;
        var problems = new List<string>();
        UpcomingCursor? after = null;
        if (afterText is not null && (!UpcomingCursor.TryParse(afterText, out after) || after.At > now))
        {
            problems.Add("'after' must be the 'next' of an earlier page, as given");
        }

        var limit = Paging.Limit(limitText, DefaultLimit, MaxLimit, problems);

        DateTimeOffset? before = null;
        if (beforeText is not null)
        {
            if (DateTimeOffset.TryParse(beforeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                before = parsed;
            }
            else
            {
                problems.Add("'before' must be a date or a date and time (ISO 8601, such as 2027-01-01 or 2027-01-01T00:00:00Z)");
            }
        }

        if (problems.Count > 0)
        {
            return await gate.InvalidAsync(access, "The listing's cursor, limit or date is not valid", problems, cancellationToken);
        }

        // Every category still to be purged as of the listing's instant, in one order that does not depend on the page.
        // Holds placed and lifted are compared on the database's clock, which wrote them; the cursor carries both.
        var at = after?.At ?? now;
        var databaseAt = after?.DatabaseAt ?? await clock.NowAsync(cancellationToken);
        var closed = (await overview.ClosedCasesAsync(cancellationToken)).Where(c => c.ClosedAt <= at).ToList();
        var held = await activeHolds.ActiveHoldsAsync([.. closed.Select(c => c.Pseudonym.Value)], new HoldInstant(at, databaseAt), cancellationToken);
        var listing = new List<UpcomingPurge>();
        foreach (var closedCase in closed)
        {
            DateTimeOffset? heldUntil = held.TryGetValue(closedCase.Pseudonym.Value, out var until) ? until : null;
            foreach (var c in RetentionSchedule.For(engine.Set, closedCase.ClosedAt, heldUntil, at, closedCase.Purged))
            {
                var purge = new UpcomingPurge(closedCase.Pseudonym.Value, c.Category, c.DueAt, c.PeriodEndsAt, c.Rule, c.Article,
                    PostponedByHold: c.HeldUntil is { } h && h > c.PeriodEndsAt, c.Due, closedCase.ClosedAt, heldUntil);
                if ((before is null || purge.PurgeAt < before) && (after is null || after.Precedes(purge)))
                {
                    listing.Add(purge);
                }
            }
        }

        listing.Sort(UpcomingCursor.Order);
        var page = listing.Take(limit).ToList();
        var next = listing.Count > limit ? new UpcomingCursor(at, page[^1].PurgeAt, page[^1].Case, page[^1].Category, databaseAt).ToString() : null;
        await gate.PermitAsync(access, cancellationToken,
            string.Create(CultureInfo.InvariantCulture, $"purges={page.Count};cases={page.Select(p => p.Case).Distinct(StringComparer.Ordinal).Count()};more={next is not null}"));
        return TypedResults.Ok(new UpcomingPurgePage(at, page, next));
    }
}
