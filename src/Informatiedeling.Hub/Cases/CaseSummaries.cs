using System.Security.Claims;
using Informatiedeling.Hub.Access;
using Informatiedeling.Policy;
using Informatiedeling.Storage.Cases;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Informatiedeling.Hub.Cases;

/// <summary><c>GET /cases/{p}</c>: a case's metadata for any role on its current step, I included (art. 6.4).</summary>
internal sealed class CaseSummaries(Gate gate, CaseDirectory cases, CaseLifecycle lifecycle)
{
    public static readonly AccessRoute Summary = new("case.summary");

    public async Task<Results<Ok<CaseSummary>, NotFoundProblem>> GetAsync(ClaimsPrincipal user, string pseudonym, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterStandingAsync(user, Summary, pseudonym, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        await gate.PermitAsync(access, cancellationToken);
        return await SummaryAsync(access, cancellationToken) is { } summary ? TypedResults.Ok(summary) : new NotFoundProblem(Problems.CaseNotFound());
    }

    /// <summary>The case as it stands now, with the caller's role in its (possibly new) current step; null when it is gone.</summary>
    public async Task<CaseSummary?> SummaryAsync(CaseAccess access, CancellationToken cancellationToken)
    {
        var overview = await lifecycle.OverviewAsync(access.State.Pseudonym, access.Engine.Set, cancellationToken);
        if (overview is null)
        {
            return null;
        }

        var standing = await cases.StandingAsync(overview.Pseudonym, access.Caller.Partner, overview.Step, cancellationToken);
        var yourRole = access.Engine.DecideStanding(access.Caller.PartnerId, standing.Role, access.Now, standing.InvitedUntil).Permitted ? standing.Role : null;
        return new CaseSummary(
            overview.Pseudonym.Value,
            overview.Step,
            overview.Status == CaseStatus.Closed ? "closed" : "open",
            overview.CreatedAt,
            overview.ClosedAt,
            overview.ClosureReason,
            yourRole?.Name(),
            [.. overview.Steps.Select(s => new CaseStep(s.Step, s.EnteredAt))]);
    }
}
