using System.Security.Claims;
using Informatiedeling.Hub.Access;
using Informatiedeling.Policy;
using Informatiedeling.Storage.Cases;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Informatiedeling.Hub.Cases;

/// <summary>
/// Process direction (<c>rasci-instellen</c>, art. 5.3, 2.4): the core partners' roles per step, and invitations of
/// shell partners with an end date, after which they hold no role on the case.
/// </summary>
internal sealed class CaseDirection(Gate gate, CaseDirectory cases, CaseLifecycle lifecycle, CaseSummaries summaries, ILogger<CaseDirection> logger)
{
    public const string Action = "rasci-instellen";
    public static readonly AccessRoute Rasci = new("case.rasci", Action);
    public static readonly AccessRoute Invite = new("case.invite", Action);
    public static readonly AccessRoute Withdraw = new("case.invite-withdraw", Action);

    public async Task<Results<Ok<CaseSummary>, BadRequestProblem, Refusal>> SetRolesAsync(
        ClaimsPrincipal user, string pseudonym, string step, RasciRequest request, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsync(user, Rasci, pseudonym, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        var v = access.Engine.Vocabulary;
        var core = Core(v);
        var problems = new List<string>();
        if (!v.Steps.TryGetIndex(step, out _))
        {
            problems.Add($"unknown step '{Problems.Printable(step)}': the step must be one of {string.Join(", ", v.Steps.Names)}");
        }

        var assignments = new Dictionary<string, Role>(StringComparer.Ordinal);
        if (request.Assignments is not { Count: > 0 })
        {
            problems.Add("assignments must give at least one core partner a role");
        }
        else
        {
            foreach (var (partner, role) in request.Assignments)
            {
                if (!v.Partners.TryGetIndex(partner, out var p))
                {
                    problems.Add($"unknown partner '{Problems.Printable(partner)}'");
                }
                else if ((core & (1UL << p)) == 0)
                {
                    problems.Add($"'{partner}' is a shell partner: shell partners join a case by invitation (art. 2.4), not by assignment");
                }
                else if (!Roles.TryParse(role, out var parsed))
                {
                    problems.Add($"unknown role '{Problems.Printable(role ?? "")}' for '{partner}': the role must be one of {string.Join(", ", Roles.Names)}");
                }
                else
                {
                    assignments[partner] = parsed;
                }
            }
        }

        if (problems.Count > 0)
        {
            return await gate.InvalidAsync(access, "The roles cannot be set", problems, cancellationToken);
        }

        await gate.PermitAsync(access, cancellationToken, $"rasci:{step}");
        var corePartners = Enumerable.Range(0, v.Partners.Count).Where(p => (core & (1UL << p)) != 0).Select(p => v.Partners.Names[p]).ToList();
        await lifecycle.ReplaceRolesAsync(access.State.Pseudonym, step, corePartners, assignments, cancellationToken);
        CaseLog.RolesSet(logger, access.State.Pseudonym.Value, step);
        return await summaries.SummaryAsync(access, cancellationToken) is { } summary ? TypedResults.Ok(summary) : new Refusal(Problems.CaseNotFound());
    }

    public async Task<Results<Ok<CaseSummary>, BadRequestProblem, Refusal>> InviteAsync(
        ClaimsPrincipal user, string pseudonym, InvitationRequest request, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsync(user, Invite, pseudonym, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        var v = access.Engine.Vocabulary;
        var problems = new List<string>();
        if (ShellProblem(v, request.Partner) is { } partnerProblem)
        {
            problems.Add(partnerProblem);
        }

        if (request.Until is not { } until || until <= access.Now)
        {
            problems.Add("until must be a moment in the future (ISO 8601, e.g. 2027-01-31T00:00:00Z): after it the partner holds no role on the case");
        }

        if (problems.Count > 0)
        {
            return await gate.InvalidAsync(access, "The partner cannot be invited", problems, cancellationToken);
        }

        // The roles invited shell partners hold per step in the default RASCI (art. 5.2): the strongest of each step.
        var roles = new Dictionary<string, Role>(StringComparer.Ordinal);
        foreach (var assignment in access.Engine.Set.Rules.Rasci!.Steps.Where(s => s.ShellRoles != 0))
        {
            roles[v.Steps.Names[assignment.Step]] = (Role)System.Numerics.BitOperations.TrailingZeroCount(assignment.ShellRoles);
        }

        var end = request.Until!.Value.ToUniversalTime();
        await gate.PermitAsync(access, cancellationToken, $"invitation:{request.Partner}:{end:O}");
        await lifecycle.InviteAsync(access.State.Pseudonym, request.Partner!, end, access.Now, roles, cancellationToken);
        CaseLog.Invited(logger, access.State.Pseudonym.Value, request.Partner!, end);
        return await summaries.SummaryAsync(access, cancellationToken) is { } summary ? TypedResults.Ok(summary) : new Refusal(Problems.CaseNotFound());
    }

    public async Task<Results<NoContent, BadRequestProblem, Refusal>> WithdrawAsync(ClaimsPrincipal user, string pseudonym, string partner, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsync(user, Withdraw, pseudonym, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        if (ShellProblem(access.Engine.Vocabulary, partner) is { } problem)
        {
            return await gate.InvalidAsync(access, "The invitation cannot be withdrawn", [problem], cancellationToken);
        }

        var standing = await cases.StandingAsync(access.State.Pseudonym, partner, access.State.Step, cancellationToken);
        if (standing.InvitedUntil is null)
        {
            return await gate.MissingAsync(access, "Invitation not found", $"'{partner}' is not invited on this case", cancellationToken, $"invitation:{partner}");
        }

        await gate.PermitAsync(access, cancellationToken, $"invitation:{partner}");
        await lifecycle.WithdrawInvitationAsync(access.State.Pseudonym, partner, cancellationToken);
        CaseLog.InvitationWithdrawn(logger, access.State.Pseudonym.Value, partner);
        return TypedResults.NoContent();
    }

    private static ulong Core(Vocabulary v) => v.Groups.TryGetValue("core", out var group) ? group.Members : 0;

    private static string? ShellProblem(Vocabulary v, string? partner)
    {
        if (partner is null || !v.Partners.TryGetIndex(partner, out var p))
        {
            return partner is null ? "partner is required" : $"unknown partner '{Problems.Printable(partner)}'";
        }

        return (v.InvitationRequired & (1UL << p)) == 0
            ? $"'{partner}' is not a shell partner: only shell partners are invited (art. 2.4); core partners' roles are set per step"
            : null;
    }
}
