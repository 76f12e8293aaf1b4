namespace Informatiedeling.Hub.LogReview;

/// <summary>
/// A release under review as the queue shows it: the record's seq, when, who (user, partner, role), the case, purpose
/// and legal ground, the categories and fields released, the rule and article; how many whole days it is (or was)
/// open, whether it is overdue (open longer than the configured days), its state, and once disposed the disposition.
/// </summary>
public sealed record ReviewRow(
    long Seq,
    DateTimeOffset RecordedAt,
    string? User,
    string? Partner,
    string? Role,
    string? Case,
    string? Purpose,
    string? LegalGround,
    IReadOnlyList<string> CategoriesReleased,
    IReadOnlyList<string> FieldsReleased,
    string? Rule,
    string? Article,
    int DaysOpen,
    bool Overdue,
    string State,
    ReviewDisposition? Disposition);

/// <summary>How a privacy officer disposed a release: the disposition, who, when, and (in one item's view only) the note, opened.</summary>
public sealed record ReviewDisposition(string Disposition, string ReviewerPartner, string ReviewerUser, DateTimeOffset DisposedAt, string? Note);

/// <summary>A page of the review queue, oldest first; <see cref="Next"/> the cursor for the later items, null on the last page.</summary>
public sealed record ReviewPage(IReadOnlyList<ReviewRow> Items, string? Next, int ReviewWithinDays);

/// <summary>
/// One release under review with its justification opened (null when none was sealed or the case's key was destroyed:
/// <see cref="JustificationSealed"/> says which) and, once disposed, the note opened.
/// </summary>
public sealed record ReviewDetail(ReviewRow Item, bool JustificationSealed, string? Justification);

/// <summary>A privacy officer's disposition: justified, unjustified or escalated, with a note (sealed under the case's key).</summary>
public sealed record DispositionRequest(string? Disposition, string? Note);
