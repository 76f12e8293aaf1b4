namespace Informatiedeling.Hub.Cases;

/// <summary>Log messages of the case lifecycle, with event ids: pseudonyms and convenant identifiers only, never a field value.</summary>
internal static partial class CaseLog
{
    [LoggerMessage(4001, LogLevel.Information, "Case {Pseudonym} moved from step {From} to {To}")]
    public static partial void Moved(ILogger logger, string pseudonym, string from, string to);

    [LoggerMessage(4002, LogLevel.Information, "Case {Pseudonym} was moved by another request first; this move from {From} changed nothing")]
    public static partial void MoveConflict(ILogger logger, string pseudonym, string from);

    [LoggerMessage(4003, LogLevel.Information, "Case {Pseudonym} closed ({Reason}); its evaluation record was written")]
    public static partial void Closed(ILogger logger, string pseudonym, string reason);

    [LoggerMessage(4004, LogLevel.Information, "Roles of step {Step} on case {Pseudonym} set by process direction")]
    public static partial void RolesSet(ILogger logger, string pseudonym, string step);

    [LoggerMessage(4005, LogLevel.Information, "Shell partner {Partner} invited on case {Pseudonym} until {Until}")]
    public static partial void Invited(ILogger logger, string pseudonym, string partner, DateTimeOffset until);

    [LoggerMessage(4006, LogLevel.Information, "Invitation of shell partner {Partner} on case {Pseudonym} withdrawn")]
    public static partial void InvitationWithdrawn(ILogger logger, string pseudonym, string partner);
}
