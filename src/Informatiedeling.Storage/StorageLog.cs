using Microsoft.Extensions.Logging;

namespace Informatiedeling.Storage;

/// <summary>Every log message of the storage layer, with its event id. Never a field value of a client file.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(1001, LogLevel.Information, "Applied database migration {Migration}")]
    public static partial void MigrationApplied(ILogger logger, string migration);

    [LoggerMessage(1002, LogLevel.Information, "Database schema is current on {Provider}")]
    public static partial void SchemaCurrent(ILogger logger, string provider);
}
