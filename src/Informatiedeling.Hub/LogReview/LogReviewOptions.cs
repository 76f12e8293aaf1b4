using Microsoft.Extensions.Options;
using Quartz;

namespace Informatiedeling.Hub.LogReview;

/// <summary>The privacy officer's flags on the access log (section <c>LogReview</c>).</summary>
public sealed class LogReviewOptions
{
    public const string Section = "LogReview";

    /// <summary>Bulk access: a user (partner and user id) flagged for more than this many distinct cases within one clock hour.</summary>
    public int BulkCasesPerHour { get; set; } = 20;

    /// <summary>Compute and keep the previous day's flags by schedule (with the retention schedule's Quartz store; needs <c>Retention:Enabled</c>).</summary>
    public bool DailyFlagsEnabled { get; set; } = true;

    /// <summary>A Quartz cron expression (seconds first), read in <c>Retention:TimeZone</c>: by default every day at 00:30.</summary>
    public string DailyFlagsSchedule { get; set; } = "0 30 0 * * ?";
}

/// <summary>Checks the flags' settings; every problem names the key and what it accepts.</summary>
public sealed class LogReviewOptionsValidator : IValidateOptions<LogReviewOptions>
{
    public ValidateOptionsResult Validate(string? name, LogReviewOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.BulkCasesPerHour is < 1 or > 10_000)
        {
            problems.Add($"LogReview:BulkCasesPerHour {options.BulkCasesPerHour} is not between 1 and 10000");
        }

        if (!CronExpression.TryParse(options.DailyFlagsSchedule ?? "", out _))
        {
            problems.Add($"LogReview:DailyFlagsSchedule '{options.DailyFlagsSchedule}' is not a cron expression such as '0 30 0 * * ?' (seconds, minutes, hours, day of month, month, day of week)");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
