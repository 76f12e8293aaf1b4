namespace Informatiedeling.Hub.Retention;

/// <summary>Log messages of legal holds and the privacy officer's routes, with their event ids. Ids and partners only, never a reason.</summary>
internal static partial class RetentionMessages
{
    [LoggerMessage(6001, LogLevel.Information, "Legal hold {HoldId} placed by {Partner} until {Until:O}")]
    public static partial void HoldPlaced(ILogger logger, Guid holdId, string partner, DateTimeOffset until);

    [LoggerMessage(6002, LogLevel.Information, "Legal hold {HoldId} lifted by {Partner}")]
    public static partial void HoldLifted(ILogger logger, Guid holdId, string partner);

    [LoggerMessage(6003, LogLevel.Warning, "A legal hold by {Partner} was refused under rule {Rule}")]
    public static partial void HoldRefused(ILogger logger, string partner, string rule);
}
