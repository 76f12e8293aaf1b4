using Informatiedeling.Cases;
using Informatiedeling.Policy;
using Microsoft.EntityFrameworkCore;

namespace Informatiedeling.Storage.Cases;

/// <summary>A case as the broker sees it: pseudonym, step, status. No personal data.</summary>
public sealed record CaseState(CasePseudonym Pseudonym, string Step, CaseStatus Status);

/// <summary>A partner's standing on a case in a step: its RASCI role (null for none) and, for a shell partner, its invitation end.</summary>
public readonly record struct CaseStanding(Role? Role, DateTimeOffset? InvitedUntil);

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

    private sealed record StandingRow(string? Role, DateTimeOffset? InvitedUntil);

    private sealed record AnyStepRow(string Step, string Status, List<string> Roles, DateTimeOffset? InvitedUntil);

    private sealed record CaseWithStandingRow(string Step, string Status, string? Role, DateTimeOffset? InvitedUntil);
}
