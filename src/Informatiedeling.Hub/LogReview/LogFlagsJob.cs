using Informatiedeling.Policy;
using Microsoft.Extensions.Options;
using Quartz;

namespace Informatiedeling.Hub.LogReview;

/// <summary>
/// The daily flags of the access log as a Quartz.NET job in the retention schedule's store (clustered on PostgreSQL, so
/// that instances on one database run it once): computes the previous day's flags, keeps their counts and records the run.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class LogFlagsJob(LogFlags flags, PolicyHolder policy) : IJob
{
    public static readonly JobKey Key = new("access-log-flags", "log-review");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!policy.IsLoaded)
        {
            return; // the hub records nothing without a policy set in force; the next day's run will
        }

        await flags.RunDailyAsync(cancellationToken);
    }
}

/// <summary>The daily flags' place in the hub's Quartz schedule.</summary>
internal static class LogFlagsScheduling
{
    /// <summary>Adds the daily flags' job and trigger to the hub's Quartz configuration, unless <c>LogReview:DailyFlagsEnabled</c> is false.</summary>
    public static void AddLogFlagsSchedule(this IQuartzBuilder quartz, IConfiguration configuration, TimeZoneInfo zone)
    {
        var options = configuration.GetSection(LogReviewOptions.Section).Get<LogReviewOptions>() ?? new LogReviewOptions();
        var validation = new LogReviewOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new Hosting.HubStartupException(string.Join("; ", validation.Failures) + ".", new OptionsValidationException(LogReviewOptions.Section, typeof(LogReviewOptions), validation.Failures));
        }

        if (!options.DailyFlagsEnabled)
        {
            return;
        }

        quartz.AddJob<LogFlagsJob>(job => job.WithIdentity(LogFlagsJob.Key).StoreDurably().WithDescription("Compute and keep the previous day's flags of the access log"));
        quartz.AddTrigger(trigger => trigger
            .ForJob(LogFlagsJob.Key)
            .WithIdentity("access-log-flags-schedule", "log-review")
            .WithSchedule(CronScheduleBuilder.Create(options.DailyFlagsSchedule).InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));
    }
}
