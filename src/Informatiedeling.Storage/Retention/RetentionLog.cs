using Microsoft.Extensions.Logging;

namespace Informatiedeling.Storage.Retention;

/// <summary>Every log message of retention, with its event id. Pseudonyms and category names only.</summary>
internal static partial class RetentionLog
{
    [LoggerMessage(7001, LogLevel.Information, "Retention run purged {Cases} case(s), {Categories} category purge(s); {Held} case(s) held")]
    public static partial void RunCompleted(ILogger logger, int cases, int categories, int held);

    [LoggerMessage(7002, LogLevel.Information, "Purged case {Case}: {Categories}")]
    public static partial void CasePurged(ILogger logger, string @case, string categories);

    [LoggerMessage(7003, LogLevel.Information, "Completed the interrupted purge of case {Case}: {Categories}")]
    public static partial void CaseCompleted(ILogger logger, string @case, string categories);

    [LoggerMessage(7004, LogLevel.Debug, "Case {Case} is taken by another retention run; skipped")]
    public static partial void CaseTaken(ILogger logger, string @case);

    [LoggerMessage(7005, LogLevel.Error, "Retention run failed; nothing of the batch in progress was destroyed unless its purge records were written")]
    public static partial void RunFailed(ILogger logger, Exception exception);

    [LoggerMessage(7006, LogLevel.Information, "Retention schedule: {Schedule} ({TimeZone})")]
    public static partial void Scheduled(ILogger logger, string schedule, string timeZone);
}
