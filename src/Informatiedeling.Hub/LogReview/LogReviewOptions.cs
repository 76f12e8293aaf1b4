using System.Globalization;
using Microsoft.Extensions.Options;
using Quartz;

namespace Informatiedeling.Hub.LogReview;

/// <summary>The privacy officer's workbench on the access log (section <c>LogReview</c>): what checks and exports may cost, and the flags.</summary>
public sealed class LogReviewOptions
{
    public const string Section = "LogReview";

    /// <summary>
    /// The least time between two full verifications started from the API or the page (on every instance together:
    /// the last one is read from the database). A verification reads and hashes the whole log.
    /// </summary>
    public TimeSpan VerifyInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The most records one export holds; beyond it the export ends with a marker saying it was cut off.</summary>
    public int ExportMaxRows { get; set; } = 1_000_000;

    /// <summary>Bulk access: a user (partner and user id) flagged for more than this many distinct cases within one clock hour.</summary>
    public int BulkCasesPerHour { get; set; } = 20;

    /// <summary>Compute and keep the previous day's flags by schedule (with the retention schedule's Quartz store; needs <c>Retention:Enabled</c>).</summary>
    public bool DailyFlagsEnabled { get; set; } = true;

    /// <summary>A Quartz cron expression (seconds first), read in <c>Retention:TimeZone</c>: by default every day at 00:30.</summary>
    public string DailyFlagsSchedule { get; set; } = "0 30 0 * * ?";
}

/// <summary>Checks the log review settings; every problem names the key and what it accepts.</summary>
public sealed class LogReviewOptionsValidator : IValidateOptions<LogReviewOptions>
{
    public ValidateOptionsResult Validate(string? name, LogReviewOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.VerifyInterval < TimeSpan.Zero || options.VerifyInterval > TimeSpan.FromDays(1))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"LogReview:VerifyInterval {options.VerifyInterval} is not between 00:00:00 and 1.00:00:00"));
        }

        if (options.ExportMaxRows is < 1 or > 100_000_000)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"LogReview:ExportMaxRows {options.ExportMaxRows} is not between 1 and 100000000"));
        }

        if (options.BulkCasesPerHour is < 1 or > 10_000)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"LogReview:BulkCasesPerHour {options.BulkCasesPerHour} is not between 1 and 10000"));
        }

        if (!CronExpression.TryParse(options.DailyFlagsSchedule ?? "", out _))
        {
            problems.Add($"LogReview:DailyFlagsSchedule '{options.DailyFlagsSchedule}' is not a cron expression such as '0 30 0 * * ?' (seconds, minutes, hours, day of month, month, day of week)");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
