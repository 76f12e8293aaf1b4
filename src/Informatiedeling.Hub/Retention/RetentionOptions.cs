using Microsoft.Extensions.Options;
using Quartz;

namespace Informatiedeling.Hub.Retention;

/// <summary>When the hub purges what the convenant no longer allows it to keep (section <c>Retention</c>).</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Run the scheduled purge on this instance. Instances on one database share the schedule (clustered).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A Quartz cron expression (seconds first): by default at the top of every hour.</summary>
    public string Schedule { get; set; } = "0 0 * * * ?";

    /// <summary>The time zone the schedule is read in (an IANA id).</summary>
    public string TimeZone { get; set; } = "Europe/Amsterdam";

    /// <summary>Cases purged per transaction.</summary>
    public int BatchSize { get; set; } = 200;
}

/// <summary>Checks the retention settings; every problem names the key and what it accepts.</summary>
public sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (!CronExpression.TryParse(options.Schedule ?? "", out _))
        {
            problems.Add($"Retention:Schedule '{options.Schedule}' is not a cron expression such as '0 0 * * * ?' (seconds, minutes, hours, day of month, month, day of week)");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone ?? "", out _))
        {
            problems.Add($"Retention:TimeZone '{options.TimeZone}' is not a known time zone such as 'Europe/Amsterdam' or 'UTC'");
        }

        if (options.BatchSize is < 1 or > 10_000)
        {
            problems.Add($"Retention:BatchSize {options.BatchSize} is not between 1 and 10000");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
