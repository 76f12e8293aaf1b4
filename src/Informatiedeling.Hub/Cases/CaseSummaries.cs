using System.Security.Claims;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Policy;
using Informatiedeling.Storage.Cases;

namespace Informatiedeling.Hub.Cases;

/// <summary><c>GET /cases/{p}</c>: a case's metadata for any role on its current step, I included (art. 6.4).</summary>
internal sealed class CaseSummaries(CaseGate gate, CaseAudit audit, CaseDirectory cases, CaseLifecycle lifecycle)
{
    public const string Operation = "case.summary";

    public async Task<IResult> GetAsync(ClaimsPrincipal user, string pseudonym, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsync(user, pseudonym, null, Operation, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        await audit.RecordAsync(user, access.Engine, new CaseEvent(Operation, access.State.Pseudonym, AccessDecision.Permit, access.Decision.Rule, access.Role), cancellationToken);
        return await SummaryAsync(access, cancellationToken);
    }

    /// <summary>The case as it stands now, with the caller's role in its (possibly new) current step.</summary>
    public async Task<IResult> SummaryAsync(CaseAccess access, CancellationToken cancellationToken)
    {
        var overview = await lifecycle.OverviewAsync(access.State.Pseudonym, access.Engine.Set, cancellationToken);
        if (overview is null)
        {
            return Problems.CaseNotFound();
        }

        var standing = await cases.StandingAsync(overview.Pseudonym, access.Partner, overview.Step, cancellationToken);
        var yourRole = access.Engine.DecideStanding(access.PartnerId, standing.Role, access.Now, standing.InvitedUntil).Permitted ? standing.Role : null;
        return TypedResults.Ok(new CaseSummary(
            overview.Pseudonym.Value,
            overview.Step,
            overview.Status == CaseStatus.Closed ? "closed" : "open",
            overview.CreatedAt,
            overview.ClosedAt,
            overview.ClosureReason,
            yourRole?.Name(),
            [.. overview.Steps.Select(s => new CaseStep(s.Step, s.EnteredAt))]));
    }
}
