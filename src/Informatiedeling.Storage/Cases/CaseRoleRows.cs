namespace Informatiedeling.Storage.Cases;

/// <summary>The RASCI role a partner holds on a case in one step (from the default RASCI, adjusted by process direction).</summary>
public sealed class CaseRoleRow
{
    public required string Case { get; init; }

    public required string Step { get; init; }

    public required string Partner { get; init; }

    public required string Role { get; set; }
}

/// <summary>A shell partner invited on a case by process direction, until a date.</summary>
public sealed class CaseInvitationRow
{
    public required string Case { get; init; }

    public required string Partner { get; init; }

    public required DateTimeOffset InvitedUntil { get; set; }

    public required DateTimeOffset InvitedAt { get; set; }
}
