using Informatiedeling.Cases;
using Informatiedeling.Policy;
using Microsoft.EntityFrameworkCore;

namespace Informatiedeling.Storage.Cases;

/// <summary>A case's metadata as any role on it may see it (art. 6.4): state, dates and the steps it went through. No personal data.</summary>
public sealed record CaseOverview(
    CasePseudonym Pseudonym,
    string Step,
    CaseStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ClosedAt,
    string? ClosureReason,
    IReadOnlyList<CaseStepEntry> Steps);

public sealed record CaseStepEntry(string Step, DateTimeOffset EnteredAt);

/// <summary>The anonymous evaluation record of a closed case.</summary>
public sealed record CaseEvaluation(string? ExploitationType, string? Outcome, string ClosureReason, DateOnly ClosedOn, IReadOnlyList<CaseEvaluationStep> Steps);

public sealed record CaseEvaluationStep(string Step, DateOnly EnteredOn);

/// <summary>What monitoring counts, from data that identifies no one: cases per status and step, and the evaluation records.</summary>
public sealed record CaseCounts(
    int Open,
    int Closed,
    IReadOnlyDictionary<string, int> OpenByStep,
    IReadOnlyDictionary<string, int> ClosedByExploitationType,
    IReadOnlyDictionary<string, int> ClosedByOutcome,
    IReadOnlyDictionary<string, int> ClosedByReason);

/// <summary>
/// Changes to a case's process state: moving to the next step, process direction's RASCI and invitations, closure
/// with its evaluation record. Every change that must not race is conditional on the state it was decided on.
/// </summary>
public sealed class CaseLifecycle(IDbContextFactory<HubDbContext> factory)
{
    public async Task<CaseOverview?> OverviewAsync(CasePseudonym pseudonym, PolicySet policy, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Cases.AsNoTracking().SingleOrDefaultAsync(c => c.Pseudonym == pseudonym.Value, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var steps = await db.CaseSteps.AsNoTracking().Where(s => s.Case == pseudonym.Value).ToListAsync(cancellationToken);
        var order = policy.Vocabulary.Steps;
        return new CaseOverview(
            pseudonym,
            row.Step,
            row.Status == "closed" ? CaseStatus.Closed : CaseStatus.Open,
            row.CreatedAt,
            row.ClosedAt,
            row.ClosureReason,
            [.. steps.OrderBy(s => order.TryGetIndex(s.Step, out var i) ? i : int.MaxValue).Select(s => new CaseStepEntry(s.Step, s.EnteredAt))]);
    }

    /// <summary>
    /// Moves an open case from <paramref name="from"/> to <paramref name="to"/>, only if it is still in
    /// <paramref name="from"/>: of two concurrent moves one wins, the other finds the case moved and changes nothing.
    /// </summary>
    public async Task<bool> MoveAsync(CasePseudonym pseudonym, string from, string to, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var moved = await db.Cases
            .Where(c => c.Pseudonym == pseudonym.Value && c.Status == "open" && c.Step == from)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Step, to), cancellationToken);
        if (moved != 1)
        {
            return false;
        }

        db.CaseSteps.Add(new CaseStepRow { Case = pseudonym.Value, Step = to, EnteredAt = at });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Replaces the roles of the partners in <paramref name="replaced"/> in one step by <paramref name="assignments"/> (others keep theirs).</summary>
    public async Task ReplaceRolesAsync(
        CasePseudonym pseudonym, string step, IReadOnlyCollection<string> replaced, IReadOnlyDictionary<string, Role> assignments, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var partners = replaced.ToList();
        await db.CaseRoles.Where(r => r.Case == pseudonym.Value && r.Step == step && partners.Contains(r.Partner)).ExecuteDeleteAsync(cancellationToken);
        foreach (var (partner, role) in assignments)
        {
            db.CaseRoles.Add(new CaseRoleRow { Case = pseudonym.Value, Step = step, Partner = partner, Role = role.Name() });
        }

        await CaseParticipantRecorder.AddAsync(db, pseudonym.Value, assignments.Keys, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Invites a shell partner until <paramref name="until"/> (or moves the end of its invitation) and gives it the
    /// roles invited shell partners hold per step, where it holds none yet.
    /// </summary>
    public async Task InviteAsync(
        CasePseudonym pseudonym, string partner, DateTimeOffset until, DateTimeOffset at, IReadOnlyDictionary<string, Role> roles, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var invitation = await db.CaseInvitations.SingleOrDefaultAsync(i => i.Case == pseudonym.Value && i.Partner == partner, cancellationToken);
        if (invitation is null)
        {
            db.CaseInvitations.Add(new CaseInvitationRow { Case = pseudonym.Value, Partner = partner, InvitedUntil = until, InvitedAt = at });
        }
        else
        {
            invitation.InvitedUntil = until;
            invitation.InvitedAt = at;
        }

        var held = await db.CaseRoles.Where(r => r.Case == pseudonym.Value && r.Partner == partner).Select(r => r.Step).ToListAsync(cancellationToken);
        foreach (var (step, role) in roles.Where(r => !held.Contains(r.Key)))
        {
            db.CaseRoles.Add(new CaseRoleRow { Case = pseudonym.Value, Step = step, Partner = partner, Role = role.Name() });
        }

        await CaseParticipantRecorder.AddAsync(db, pseudonym.Value, [partner], cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Ends a shell partner's invitation now, with its roles on the case. False when it was not invited. That it was
    /// invited stays in <c>case_participants</c>, for the purge notices about the copies it may hold.
    /// </summary>
    public async Task<bool> WithdrawInvitationAsync(CasePseudonym pseudonym, string partner, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var removed = await db.CaseInvitations.Where(i => i.Case == pseudonym.Value && i.Partner == partner).ExecuteDeleteAsync(cancellationToken);
        if (removed == 0)
        {
            return false;
        }

        await db.CaseRoles.Where(r => r.Case == pseudonym.Value && r.Partner == partner).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Closes an open case still in <paramref name="step"/> and writes its evaluation record, in one transaction:
    /// either both happen or neither. False when the case was no longer open in that step.
    /// </summary>
    public async Task<bool> CloseAsync(
        CasePseudonym pseudonym, string step, string reason, DateTimeOffset at, string? exploitationType, string? outcome, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var closed = await db.Cases
            .Where(c => c.Pseudonym == pseudonym.Value && c.Status == "open" && c.Step == step)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, "closed").SetProperty(c => c.ClosedAt, at).SetProperty(c => c.ClosureReason, reason), cancellationToken);
        if (closed != 1)
        {
            return false;
        }

        var steps = await db.CaseSteps.AsNoTracking().Where(s => s.Case == pseudonym.Value).ToListAsync(cancellationToken);
        // A random id: a time-ordered one would carry the instant of closure that the record keeps only as a day.
        var id = Guid.NewGuid();
        db.CaseEvaluations.Add(new CaseEvaluationRow
        {
            Id = id,
            Case = pseudonym.Value,
            ExploitationType = exploitationType,
            Outcome = outcome,
            ClosureReason = reason,
            ClosedOn = Day(at),
            Steps = [.. steps.Select(s => new CaseEvaluationStepRow { Evaluation = id, Step = s.Step, EnteredOn = Day(s.EnteredAt) })],
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<CaseEvaluation?> EvaluationAsync(CasePseudonym pseudonym, PolicySet policy, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.CaseEvaluations.AsNoTracking().Include(e => e.Steps).SingleOrDefaultAsync(e => e.Case == pseudonym.Value, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var order = policy.Vocabulary.Steps;
        return new CaseEvaluation(
            row.ExploitationType,
            row.Outcome,
            row.ClosureReason,
            row.ClosedOn,
            [.. row.Steps.OrderBy(s => order.TryGetIndex(s.Step, out var i) ? i : int.MaxValue).Select(s => new CaseEvaluationStep(s.Step, s.EnteredOn))]);
    }

    /// <summary>Counts for monitoring from the case table (status, step) and the evaluation records only.</summary>
    public async Task<CaseCounts> CountAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var byStatusAndStep = await db.Cases.AsNoTracking().GroupBy(c => new { c.Status, c.Step })
            .Select(g => new { g.Key.Status, g.Key.Step, Count = g.Count() }).ToListAsync(cancellationToken);
        var evaluations = db.CaseEvaluations.AsNoTracking();
        var byType = await evaluations.Where(e => e.ExploitationType != null).GroupBy(e => e.ExploitationType!)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, StringComparer.Ordinal, cancellationToken);
        var byOutcome = await evaluations.Where(e => e.Outcome != null).GroupBy(e => e.Outcome!)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, StringComparer.Ordinal, cancellationToken);
        var byReason = await evaluations.GroupBy(e => e.ClosureReason)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, StringComparer.Ordinal, cancellationToken);
        var closed = await evaluations.CountAsync(cancellationToken);
        return new CaseCounts(
            byStatusAndStep.Where(x => x.Status == "open").Sum(x => x.Count),
            closed,
            byStatusAndStep.Where(x => x.Status == "open").ToDictionary(x => x.Step, x => x.Count, StringComparer.Ordinal),
            byType,
            byOutcome,
            byReason);
    }

    private static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);
}
