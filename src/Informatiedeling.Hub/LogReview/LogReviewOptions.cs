using System.Globalization;
using Microsoft.Extensions.Options;

namespace Informatiedeling.Hub.LogReview;

/// <summary>What the privacy officer's integrity checks and exports may cost (section <c>LogReview</c>).</summary>
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

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
