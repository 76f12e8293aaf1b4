using Microsoft.Extensions.Options;

namespace Informatiedeling.Hub.LogReview;

/// <summary>The privacy officer's review of emergency releases (section <c>LogReview</c>).</summary>
public sealed class ReviewOptions
{
    public const string Section = "LogReview";

    /// <summary>A release under review that is open longer than this many days is overdue.</summary>
    public int ReviewWithinDays { get; set; } = 7;
}

/// <summary>Checks the review settings; every problem names the key and what it accepts.</summary>
public sealed class ReviewOptionsValidator : IValidateOptions<ReviewOptions>
{
    public ValidateOptionsResult Validate(string? name, ReviewOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.ReviewWithinDays is < 1 or > 365
            ? ValidateOptionsResult.Fail($"LogReview:ReviewWithinDays {options.ReviewWithinDays} is not a whole number of days between 1 and 365")
            : ValidateOptionsResult.Success;
    }
}
