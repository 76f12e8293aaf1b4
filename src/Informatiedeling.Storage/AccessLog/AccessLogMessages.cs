using Microsoft.Extensions.Logging;

namespace Informatiedeling.Storage.AccessLog;

/// <summary>Every log message of the access log, with its event id. Never a record's content.</summary>
internal static partial class AccessLogMessages
{
    [LoggerMessage(3001, LogLevel.Error, "An access-log batch of {Count} record(s) could not be committed ({Error}); every caller in it was refused")]
    public static partial void BatchFailed(ILogger logger, int count, string error);

    [LoggerMessage(3002, LogLevel.Information, "Access-log checkpoints are signed by verifier key {VerifierKey}")]
    public static partial void VerifierKey(ILogger logger, string verifierKey);

    [LoggerMessage(3003, LogLevel.Information, "Issued access-log checkpoint at size {Size}")]
    public static partial void CheckpointIssued(ILogger logger, long size);

    [LoggerMessage(3004, LogLevel.Warning, "Could not issue an access-log checkpoint ({Error}); retrying at the next interval")]
    public static partial void CheckpointFailed(ILogger logger, string error);

    [LoggerMessage(3005, LogLevel.Critical, "The access-log writer stopped on an unexpected {Error}; every request that needs a record is refused (503) until the instance is restarted. {StackTrace}")]
    public static partial void WriterStopped(ILogger logger, string error, string? stackTrace);

    [LoggerMessage(3006, LogLevel.Information, "The access log commits again after failed batches")]
    public static partial void Recovered(ILogger logger);

    [LoggerMessage(3010, LogLevel.Error, "Refused to sign an access-log checkpoint: the stored log does not extend the checkpoint signed at size {SignedSize}: {Break}")]
    public static partial void CheckpointRefused(ILogger logger, long signedSize, string @break);
}
