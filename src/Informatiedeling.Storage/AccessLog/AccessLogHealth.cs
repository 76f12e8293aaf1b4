namespace Informatiedeling.Storage.AccessLog;

/// <summary>What the access log's writer can do now.</summary>
public enum AccessLogCondition
{
    /// <summary>The last batch committed (or none has been tried yet).</summary>
    Committing,

    /// <summary>The last batch could not be committed: every request that needs a record is refused until one commits.</summary>
    Failing,

    /// <summary>The writer ended on an unexpected error: every record is refused until the instance restarts.</summary>
    Stopped,
}

/// <summary>The writer's condition, since when it fails, and the type of the error (never a message: it may quote data).</summary>
public sealed record AccessLogHealth(AccessLogCondition Condition, DateTimeOffset? Since, string? Error)
{
    public static readonly AccessLogHealth Committing = new(AccessLogCondition.Committing, null, null);

    public static AccessLogHealth Failing(DateTimeOffset since, string error) => new(AccessLogCondition.Failing, since, error);

    public static AccessLogHealth Stopped(string error) => new(AccessLogCondition.Stopped, null, error);
}
