namespace Informatiedeling.Hub.Retention;

/// <summary>A legal hold to place: why (free text, may name people: it is stored only sealed) and until when.</summary>
public sealed record LegalHoldRequest(string? Reason, DateTimeOffset? Until);

/// <summary>A placed legal hold, by id; its reason is never echoed.</summary>
public sealed record LegalHoldPlaced(Guid Id, string Case, DateTimeOffset PlacedAt, DateTimeOffset Until);

/// <summary>An active legal hold as the privacy officer sees it, with its reason unsealed (null when the case's key was destroyed).</summary>
public sealed record ActiveLegalHold(
    Guid Id, string Case, string PlacedByPartner, string PlacedByUser, DateTimeOffset PlacedAt, DateTimeOffset Until, string? Reason);

public sealed record ActiveLegalHolds(DateTimeOffset At, IReadOnlyList<ActiveLegalHold> Holds);

/// <summary>
/// When one category of a closed case not yet purged will be purged, under which rule and article, whether a legal hold
/// postpones it (and until when the case is held), and whether it is due now.
/// </summary>
public sealed record UpcomingPurge(
    string Case, string Category, DateTimeOffset PurgeAt, DateTimeOffset PeriodEndsAt, string Rule, string Article, bool PostponedByHold, bool Due,
    DateTimeOffset ClosedAt, DateTimeOffset? HeldUntil);

/// <summary>
/// A page of the upcoming purges as of <see cref="At"/> (the instant of the listing's first page), by purge date, case
/// pseudonym, category; ask again with <c>after=</c><see cref="Next"/> for what follows (null: nothing follows).
/// </summary>
public sealed record UpcomingPurgePage(DateTimeOffset At, IReadOnlyList<UpcomingPurge> Purges, string? Next);

/// <summary>One completed purge of a case: which categories, when, under which rules and articles.</summary>
public sealed record PurgeNotice(
    long Seq, string Case, IReadOnlyList<string> Categories, DateTimeOffset PurgedAt, IReadOnlyList<string> Rules, IReadOnlyList<string> Articles);

/// <summary>A page of the purge-notice feed; ask again with <c>after=</c><see cref="Next"/> for what follows.</summary>
public sealed record PurgeNoticePage(IReadOnlyList<PurgeNotice> Notices, long Next);

/// <summary>A legal hold in force on a case: when it was placed and by whom, until when. Its reason stays sealed.</summary>
public sealed record CaseLegalHold(Guid Id, string PlacedBy, DateTimeOffset PlacedAt, DateTimeOffset Until);
