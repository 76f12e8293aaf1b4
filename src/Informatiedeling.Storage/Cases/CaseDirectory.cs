using Informatiedeling.Cases;
using Informatiedeling.Policy;
using Microsoft.EntityFrameworkCore;

namespace Informatiedeling.Storage.Cases;

/// <summary>A case as the broker sees it: pseudonym, step, status. No personal data.</summary>
public sealed record CaseState(CasePseudonym Pseudonym, string Step, CaseStatus Status);

/// <summary>A partner's standing on a case in a step: its RASCI role (null for none) and, for a shell partner, its invitation end.</summary>
public readonly record struct CaseStanding(Role? Role, DateTimeOffset? InvitedUntil);

/// <summary>Where a listing of a partner's cases stands: when the last case listed entered its current step, and its pseudonym.</summary>
public readonly record struct CaseListKey(DateTimeOffset InStepSince, CasePseudonym Pseudonym);

/// <summary>A case on which a partner holds a role in the current step: its state, since when it is in that step, and the partner's standing there.</summary>
public sealed record PartnerCase(CaseState State, DateTimeOffset InStepSince, CaseStanding Standing)
{
    public CaseListKey Key => new(InStepSince, State.Pseudonym);
}

/// <summary>Cases' state and the roles partners hold on them.</summary>
public sealed class CaseDirectory(IDbContextFactory<HubDbContext> factory)
{
    // Role and invitation as subqueries of the case's row, in one round trip: both are keyed on the case, so there
    // is at most one of each; no case row, no role and no invitation.
    private readonly Func<HubDbContext, string, string, string, CancellationToken, Task<StandingRow?>> _standing = EF.CompileAsyncQuery(
        (HubDbContext db, string pseudonym, string partner, string step, CancellationToken _) => db.Cases.AsNoTracking()
            .Where(c => c.Pseudonym == pseudonym)
            .Select(c => new StandingRow(
                db.CaseRoles.Where(r => r.Case == c.Pseudonym && r.Step == step && r.Partner == partner).Select(r => r.Role).FirstOrDefault(),
                db.CaseInvitations.Where(i => i.Case == c.Pseudonym && i.Partner == partner).Select(i => (DateTimeOffset?)i.InvitedUntil).FirstOrDefault()))
            .FirstOrDefault());

    // The case and the partner's standing in its current step, in one round trip and one snapshot: what a read needs.
    private readonly Func<HubDbContext, string, string, CancellationToken, Task<CaseWithStandingRow?>> _findWithStanding = EF.CompileAsyncQuery(
        (HubDbContext db, string pseudonym, string partner, CancellationToken _) => db.Cases.AsNoTracking()
            .Where(c => c.Pseudonym == pseudonym)
            .Select(c => new CaseWithStandingRow(
                c.Step,
                c.Status,
                db.CaseRoles.Where(r => r.Case == c.Pseudonym && r.Step == c.Step && r.Partner == partner).Select(r => r.Role).FirstOrDefault(),
                db.CaseInvitations.Where(i => i.Case == c.Pseudonym && i.Partner == partner).Select(i => (DateTimeOffset?)i.InvitedUntil).FirstOrDefault()))
            .FirstOrDefault());

    // The case, every role the partner holds on it in any step, and its invitation, in one round trip: a legal hold's standing.
    private readonly Func<HubDbContext, string, string, CancellationToken, Task<AnyStepRow?>> _findWithAnyStep = EF.CompileAsyncQuery(
        (HubDbContext db, string pseudonym, string partner, CancellationToken _) => db.Cases.AsNoTracking()
            .Where(c => c.Pseudonym == pseudonym)
            .Select(c => new AnyStepRow(
                c.Step,
                c.Status,
                db.CaseRoles.Where(r => r.Case == c.Pseudonym && r.Partner == partner).Select(r => r.Role).ToList(),
                db.CaseInvitations.Where(i => i.Case == c.Pseudonym && i.Partner == partner).Select(i => (DateTimeOffset?)i.InvitedUntil).FirstOrDefault()))
            .FirstOrDefault());

    /// <summary>
    /// The case and <paramref name="partner"/>'s strongest role in any of its steps (none: null) with its invitation,
    /// in one query; null for no such case. A legal hold concerns the whole file, whatever step the case is in.
    /// </summary>
    public async Task<(CaseState State, CaseStanding Standing)?> FindWithStandingInAnyStepAsync(CasePseudonym pseudonym, string partner, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await _findWithAnyStep(db, pseudonym.Value, partner, cancellationToken);
        if (row is null)
        {
            return null;
        }

        Role? strongest = null;
        foreach (var name in row.Roles)
        {
            if (Roles.TryParse(name, out var role) && (strongest is null || role < strongest))
            {
                strongest = role;
            }
        }

        return (new CaseState(pseudonym, row.Step, row.Status == "closed" ? CaseStatus.Closed : CaseStatus.Open), new CaseStanding(strongest, row.InvitedUntil));
    }

    /// <summary>
    /// The case and <paramref name="partner"/>'s standing in its current step (as <see cref="StandingAsync"/> gives it),
    /// with one context and one query; null for no such case.
    /// </summary>
    public async Task<(CaseState State, CaseStanding Standing)?> FindWithStandingAsync(CasePseudonym pseudonym, string partner, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await _findWithStanding(db, pseudonym.Value, partner, cancellationToken);
        return row is null
            ? null
            : (new CaseState(pseudonym, row.Step, row.Status == "closed" ? CaseStatus.Closed : CaseStatus.Open),
                new CaseStanding(row.Role is { } role && Roles.TryParse(role, out var parsed) ? parsed : null, row.InvitedUntil));
    }

    /// <summary>Gives a new case the default RASCI of every step (shell partners come in by invitation only).</summary>
    public async Task AssignDefaultRolesAsync(CasePseudonym pseudonym, PolicySet policy, CancellationToken cancellationToken)
    {
        var v = policy.Vocabulary;
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var partners = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in policy.Rules.Rasci!.Steps)
        {
            var assigned = new Dictionary<int, Role>();
            for (var p = 0; p < v.Partners.Count; p++)
            {
                if (step.RoleOf(p) is { } role)
                {
                    assigned[p] = role;
                }
            }

            foreach (var (partner, role) in assigned)
            {
                db.CaseRoles.Add(new CaseRoleRow { Case = pseudonym.Value, Step = v.Steps.Names[step.Step], Partner = v.Partners.Names[partner], Role = role.Name() });
                partners.Add(v.Partners.Names[partner]);
            }
        }

        await CaseParticipantRecorder.AddAsync(db, pseudonym.Value, partners, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<CaseStanding> StandingAsync(CasePseudonym pseudonym, string partner, string step, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var standing = await _standing(db, pseudonym.Value, partner, step, cancellationToken);
        return standing is null
            ? default
            : new CaseStanding(Roles.TryParse(standing.Role, out var parsed) ? parsed : null, standing.InvitedUntil);
    }

    /// <summary>
    /// The cases on which <paramref name="partner"/> has a role row in the case's current step, with since when the
    /// case is in that step and, for a shell partner, the end of its invitation: only those in <paramref name="step"/>
    /// and of <paramref name="status"/> when given; the most recently entered step first, then by pseudonym; after
    /// <paramref name="after"/>; at most <paramref name="take"/>. Whether the role stands (an invitation that ended)
    /// is the engine's to decide. A case whose step history went with its last purged categories is not among them.
    /// </summary>
    public async Task<IReadOnlyList<PartnerCase>> ListInCurrentStepAsync(
        string partner, string? step, CaseStatus? status, CaseListKey? after, int take, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var anyStep = step is null;
        var anyStatus = status is null;
        var statusText = status == CaseStatus.Closed ? "closed" : "open";
        var fromStart = after is null;
        var at = after?.InStepSince ?? DateTimeOffset.UnixEpoch;
        var afterCase = after?.Pseudonym.Value ?? "";

        // SQL text rather than a compiled LINQ query: EF's SQLite provider neither compares nor orders DateTimeOffset
        // values. The statement is the same on both engines. On SQLite an instant is text in one format, and every
        // instant the hub writes is UTC (yyyy-MM-dd HH:mm:ss.FFFFFFF+00:00), so the text's order is the instants'.
        var rows = await db.Database.SqlQuery<PartnerCaseRow>($"""
            SELECT c.pseudonym AS "Pseudonym", c.step AS "Step", c.status AS "Status", s.entered_at AS "InStepSince",
                   r.role AS "Role", i.invited_until AS "InvitedUntil"
            FROM cases c
            JOIN case_roles r ON r.case_pseudonym = c.pseudonym AND r.step = c.step AND r.partner = {partner}
            JOIN case_steps s ON s.case_pseudonym = c.pseudonym AND s.step = c.step
            LEFT JOIN case_invitations i ON i.case_pseudonym = c.pseudonym AND i.partner = r.partner
            WHERE ({anyStep} OR c.step = {step ?? ""})
              AND ({anyStatus} OR c.status = {statusText})
              AND ({fromStart} OR s.entered_at < {at} OR (s.entered_at = {at} AND c.pseudonym > {afterCase}))
            ORDER BY s.entered_at DESC, c.pseudonym
            LIMIT {take}
            """).ToListAsync(cancellationToken);
        return [.. rows
            .Where(r => CasePseudonym.TryParse(r.Pseudonym, out _))
            .Select(r => new PartnerCase(
                new CaseState(CasePseudonym.TryParse(r.Pseudonym, out var p) ? p : default, r.Step, r.Status == "closed" ? CaseStatus.Closed : CaseStatus.Open),
                r.InStepSince,
                new CaseStanding(Roles.TryParse(r.Role, out var role) ? role : null, r.InvitedUntil)))];
    }

    private sealed class PartnerCaseRow
    {
        public required string Pseudonym { get; init; }

        public required string Step { get; init; }

        public required string Status { get; init; }

        public required DateTimeOffset InStepSince { get; init; }

        public required string Role { get; init; }

        public DateTimeOffset? InvitedUntil { get; init; }
    }

    private sealed record StandingRow(string? Role, DateTimeOffset? InvitedUntil);

    private sealed record AnyStepRow(string Step, string Status, List<string> Roles, DateTimeOffset? InvitedUntil);

    private sealed record CaseWithStandingRow(string Step, string Status, string? Role, DateTimeOffset? InvitedUntil);
}
