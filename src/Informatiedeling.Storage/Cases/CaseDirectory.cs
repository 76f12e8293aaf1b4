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
    public async Task<CaseState?> FindAsync(CasePseudonym pseudonym, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Cases.AsNoTracking().SingleOrDefaultAsync(c => c.Pseudonym == pseudonym.Value, cancellationToken);
        return row is null ? null : new CaseState(pseudonym, row.Step, row.Status == "closed" ? CaseStatus.Closed : CaseStatus.Open);
    }

    /// <summary>Gives a new case the default RASCI of every step (shell partners come in by invitation only).</summary>
    public async Task AssignDefaultRolesAsync(CasePseudonym pseudonym, PolicySet policy, CancellationToken cancellationToken)
    {
        var v = policy.Vocabulary;
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
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
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<CaseStanding> StandingAsync(CasePseudonym pseudonym, string partner, string step, CancellationToken cancellationToken)
    {
        // One round trip: role and invitation as subqueries of the case's row (both keyed on it, so at most one
        // each; no case row, no role and no invitation).
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var standing = await db.Cases.AsNoTracking()
            .Where(c => c.Pseudonym == pseudonym.Value)
            .Select(c => new
            {
                Role = db.CaseRoles.Where(r => r.Case == c.Pseudonym && r.Step == step && r.Partner == partner).Select(r => r.Role).FirstOrDefault(),
                InvitedUntil = db.CaseInvitations.Where(i => i.Case == c.Pseudonym && i.Partner == partner).Select(i => (DateTimeOffset?)i.InvitedUntil).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        return standing is null
            ? default
            : new CaseStanding(Roles.TryParse(standing.Role, out var parsed) ? parsed : null, standing.InvitedUntil);
    }
}
