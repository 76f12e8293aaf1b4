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

/// <summary>
/// A partner that held a role or an invitation on a case, at any time: kept when process direction takes the role
/// away or the invitation is withdrawn, because the partner may still hold copies it fetched, and the purge notice
/// tells it to delete them (convenant art. 8.6). Gives no standing on the case.
/// </summary>
public sealed class CaseParticipantRow
{
    public required string Case { get; init; }

    public required string Partner { get; init; }
}
