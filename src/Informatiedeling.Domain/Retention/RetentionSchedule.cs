using Informatiedeling.Policy;

namespace Informatiedeling.Retention;

/// <summary>
/// When one category of a closed case is to be purged: its period ends <see cref="PeriodEndsAt"/> (closure date plus
/// the rule's days); a legal hold active now postpones the purge to <see cref="HeldUntil"/>, so the purge is due at
/// <see cref="DueAt"/>, the later of the two.
/// </summary>
public sealed record CategoryRetention(
    string Category,
    DateTimeOffset PeriodEndsAt,
    DateTimeOffset? HeldUntil,
    string Rule,
    string Article,
    bool Due)
{
    public DateTimeOffset DueAt => HeldUntil is { } held && held > PeriodEndsAt ? held : PeriodEndsAt;
}

/// <summary>
/// The retention calculation of the convenant (art. 8): for a closed case, the policy set's period per category
/// counted from the closure date, postponed by a legal hold. Pure: the caller brings the facts and the clock.
/// </summary>
public static class RetentionSchedule
{
    /// <summary>
    /// Every category of the policy set that is not yet purged, in the vocabulary's order, with when it falls due.
    /// A category is due once its period has ended and no legal hold active at <paramref name="now"/> reaches
    /// beyond now. <paramref name="heldUntil"/> is the latest end of the case's holds active at <paramref name="now"/>.
    /// </summary>
    public static IReadOnlyList<CategoryRetention> For(
        PolicySet policy, DateTimeOffset closedAt, DateTimeOffset? heldUntil, DateTimeOffset now, IReadOnlySet<string>? purged = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var held = heldUntil is { } until && until > now ? until : (DateTimeOffset?)null;
        var categories = policy.Vocabulary.Categories;
        var result = new List<CategoryRetention>(categories.Count);
        for (var c = 0; c < categories.Count; c++)
        {
            var name = categories.Names[c];
            if (purged?.Contains(name) == true)
            {
                continue;
            }

            // The loader refuses a policy set without exactly one period per category, so there is one.
            var rule = policy.Rules.Retention.First(r => r.Category == c);
            var ends = closedAt.AddDays(rule.Days);
            result.Add(new CategoryRetention(name, ends, held, rule.Rule.Id, rule.Rule.Article, Due: ends <= now && held is null));
        }

        return result;
    }

    /// <summary>Only the categories due at <paramref name="now"/>.</summary>
    public static IReadOnlyList<CategoryRetention> DueNow(
        PolicySet policy, DateTimeOffset closedAt, DateTimeOffset? heldUntil, DateTimeOffset now, IReadOnlySet<string>? purged = null) =>
        For(policy, closedAt, heldUntil, now, purged).Where(c => c.Due).ToList();
}
