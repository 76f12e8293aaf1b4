using Informatiedeling.Domain.Tests.Policy;
using Informatiedeling.Retention;

namespace Informatiedeling.Domain.Tests.Retention;

/// <summary>The retention calculation on the reference policy set: periods from the closure date, holds postpone.</summary>
public sealed class RetentionScheduleTests
{
    private static readonly DateTimeOffset Closed = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Every_category_gets_its_period_rule_and_article_counted_from_closure()
    {
        var schedule = RetentionSchedule.For(ReferencePolicy.Engine.Set, Closed, null, Closed);

        Assert.Equal(
            ["statisch:730:bewaar-statisch:8.4", "dynamisch:730:bewaar-dynamisch:8.4", "exceptioneel:90:bewaar-exceptioneel:8.3",
             "strafrechtelijk:0:bewaar-strafrechtelijk:8.2", "melder-identiteit:0:bewaar-melder-identiteit:8.2"],
            schedule.Select(c => $"{c.Category}:{(c.PeriodEndsAt - Closed).TotalDays}:{c.Rule}:{c.Article}"));
        Assert.All(schedule, c => Assert.Equal(c.PeriodEndsAt, c.DueAt));
    }

    [Fact]
    public void Nothing_is_due_before_its_period_ends_and_each_category_is_due_from_the_moment_it_does()
    {
        var set = ReferencePolicy.Engine.Set;
        Assert.Equal(["strafrechtelijk", "melder-identiteit"], Due(RetentionSchedule.DueNow(set, Closed, null, Closed)));
        Assert.Equal(["strafrechtelijk", "melder-identiteit"], Due(RetentionSchedule.DueNow(set, Closed, null, Closed.AddDays(90).AddTicks(-1))));
        Assert.Equal(["exceptioneel", "strafrechtelijk", "melder-identiteit"], Due(RetentionSchedule.DueNow(set, Closed, null, Closed.AddDays(90))));
        Assert.Equal(["exceptioneel", "strafrechtelijk", "melder-identiteit"], Due(RetentionSchedule.DueNow(set, Closed, null, Closed.AddDays(730).AddSeconds(-1))));
        Assert.Equal(5, RetentionSchedule.DueNow(set, Closed, null, Closed.AddDays(730)).Count);
    }

    [Fact]
    public void A_hold_active_now_postpones_every_category_until_it_ends()
    {
        var set = ReferencePolicy.Engine.Set;
        var now = Closed.AddDays(100);
        var hold = Closed.AddDays(400);

        var schedule = RetentionSchedule.For(set, Closed, hold, now);

        Assert.DoesNotContain(schedule, c => c.Due);
        Assert.Equal(hold, schedule.Single(c => c.Category == "exceptioneel").DueAt);
        Assert.Equal(Closed.AddDays(730), schedule.Single(c => c.Category == "statisch").DueAt);
        Assert.All(schedule, c => Assert.Equal(hold, c.HeldUntil));
    }

    [Fact]
    public void A_hold_that_has_ended_postpones_nothing()
    {
        var set = ReferencePolicy.Engine.Set;
        var now = Closed.AddDays(100);

        var schedule = RetentionSchedule.For(set, Closed, now, now);

        Assert.Equal(["exceptioneel", "strafrechtelijk", "melder-identiteit"], Due(schedule.Where(c => c.Due)));
        Assert.All(schedule, c => Assert.Null(c.HeldUntil));
    }

    [Fact]
    public void Purged_categories_are_left_out()
    {
        var schedule = RetentionSchedule.DueNow(
            ReferencePolicy.Engine.Set, Closed, null, Closed.AddDays(1), new HashSet<string>(["strafrechtelijk"], StringComparer.Ordinal));

        Assert.Equal(["melder-identiteit"], Due(schedule));
    }

    private static List<string> Due(IEnumerable<CategoryRetention> categories) => [.. categories.Select(c => c.Category)];
}
