using System.Globalization;
using System.Security.Claims;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Policy;
using Informatiedeling.Retention;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Retention;

namespace Informatiedeling.Hub.Retention;

/// <summary>
/// What the privacy officer (convenant art. 8.5, 9.2) sees of retention: the active legal holds with their reasons,
/// and when the categories of each closed case will be purged. Every read is in the access log before it is answered.
/// </summary>
internal sealed class PrivacyOfficerBroker(
    PolicyHolder policy,
    LegalHoldStore holds,
    LegalHoldQueries activeHolds,
    LegalHoldReasons reasons,
    RetentionOverview overview,
    IAccessLog accessLog,
    TimeProvider time)
{
    public const string HoldsOperation = "retention.holds.read";
    public const string UpcomingOperation = "retention.upcoming.read";

    public async Task<IResult> HoldsAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var engine = policy.Current;
        var now = time.GetUtcNow();
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
        IEnumerable<AccessRecord> records = active.Count == 0
            ? [RetentionRecords.For(user, AccessEventKind.LegalHold, HoldsOperation, AccessDecision.Permit, now, engine, role: RetentionRecords.PrivacyOfficerRole)]
            : active.Select(h => RetentionRecords.For(user, AccessEventKind.LegalHold, HoldsOperation, AccessDecision.Permit, now, engine,
                CasePseudonym.TryParse(h.Case, out var p) ? p : null, role: RetentionRecords.PrivacyOfficerRole, subject: h.Id.ToString("N")));
        await Task.WhenAll(records.Select(r => accessLog.AppendAsync(r, cancellationToken)));
        return TypedResults.Ok(new ActiveLegalHolds(now, answer));
    }

    /// <summary>
    /// Every closed case with a category not yet purged: per category the date it will be purged, by the convenant's
    /// retention calculation (<see cref="RetentionSchedule"/>) with the case's active holds, its rule and article.
    /// </summary>
    public async Task<IResult> UpcomingAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var engine = policy.Current;
        var now = time.GetUtcNow();
        var closed = await overview.ClosedCasesAsync(cancellationToken);
        var held = await activeHolds.ActiveHoldsAsync([.. closed.Select(c => c.Pseudonym.Value)], now, cancellationToken);
        var cases = new List<UpcomingCase>(closed.Count);
        foreach (var closedCase in closed)
        {
            DateTimeOffset? heldUntil = held.TryGetValue(closedCase.Pseudonym.Value, out var until) ? until : null;
            var schedule = RetentionSchedule.For(engine.Set, closedCase.ClosedAt, heldUntil, now, closedCase.Purged);
            if (schedule.Count == 0)
            {
                continue;
            }

            cases.Add(new UpcomingCase(closedCase.Pseudonym.Value, closedCase.ClosedAt, heldUntil, [.. schedule.Select(c => new UpcomingCategory(
                c.Category, c.DueAt, c.PeriodEndsAt, c.Rule, c.Article, PostponedByHold: c.HeldUntil is { } h && h > c.PeriodEndsAt, c.Due))]));
        }

        await accessLog.AppendAsync(
            RetentionRecords.For(user, AccessEventKind.AccessDecision, UpcomingOperation, AccessDecision.Permit, now, engine,
                role: RetentionRecords.PrivacyOfficerRole, subject: string.Create(CultureInfo.InvariantCulture, $"cases={cases.Count}")),
            cancellationToken);
        return TypedResults.Ok(new UpcomingPurges(now, cases));
    }
}
