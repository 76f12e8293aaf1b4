namespace Informatiedeling.Hub.Retention;

/// <summary>A legal hold to place: why (free text, may name people: it is stored only sealed) and until when.</summary>
public sealed record LegalHoldRequest(string? Reason, DateTimeOffset? Until);

/// <summary>A placed legal hold, by id; its reason is never echoed.</summary>
public sealed record LegalHoldPlaced(Guid Id, string Case, DateTimeOffset PlacedAt, DateTimeOffset Until);

/// <summary>An active legal hold as the privacy officer sees it, with its reason unsealed (null when the case's key was destroyed).</summary>
public sealed record ActiveLegalHold(
    Guid Id, string Case, string PlacedByPartner, string PlacedByUser, DateTimeOffset PlacedAt, DateTimeOffset Until, string? Reason);

public sealed record ActiveLegalHolds(DateTimeOffset At, IReadOnlyList<ActiveLegalHold> Holds);

/// <summary>When each category of a closed case not yet purged will be purged, under which rule, and whether a hold postpones it.</summary>
public sealed record UpcomingCategory(
    string Category, DateTimeOffset PurgeAt, DateTimeOffset PeriodEndsAt, string Rule, string Article, bool PostponedByHold, bool Due);

public sealed record UpcomingCase(string Case, DateTimeOffset ClosedAt, DateTimeOffset? HeldUntil, IReadOnlyList<UpcomingCategory> Categories);

public sealed record UpcomingPurges(DateTimeOffset At, IReadOnlyList<UpcomingCase> Cases);

/// <summary>One completed purge of a case: which categories, when, under which rules and articles.</summary>
public sealed record PurgeNotice(
    long Seq, string Case, IReadOnlyList<string> Categories, DateTimeOffset PurgedAt, IReadOnlyList<string> Rules, IReadOnlyList<string> Articles);

/// <summary>A page of the purge-notice feed; ask again with <c>after=</c><see cref="Next"/> for what follows.</summary>
public sealed record PurgeNoticePage(IReadOnlyList<PurgeNotice> Notices, long Next);
