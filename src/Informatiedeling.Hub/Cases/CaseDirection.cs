using System.Security.Claims;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Policy;
using Informatiedeling.Storage.Cases;

namespace Informatiedeling.Hub.Cases;

/// <summary>
/// Process direction (<c>rasci-instellen</c>, art. 5.3, 2.4): the core partners' roles per step, and invitations of
/// shell partners with an end date, after which they hold no role on the case.
/// </summary>
internal sealed class CaseDirection(
    CaseGate gate, CaseAudit audit, CaseDirectory cases, CaseLifecycle lifecycle, CaseSummaries summaries, ILogger<CaseDirection> logger)
{
    public const string Action = "rasci-instellen";
    public const string RasciOperation = "case.rasci";
    public const string InviteOperation = "case.invite";
    public const string WithdrawOperation = "case.invite-withdraw";

    public async Task<IResult> SetRolesAsync(ClaimsPrincipal user, string pseudonym, string step, RasciRequest request, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsync(user, pseudonym, Action, RasciOperation, cancellationToken);
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
            return await gate.BadRequestAsync(user, access, RasciOperation, "The roles cannot be set", problems, cancellationToken);
        }

        await audit.RecordAsync(user, access.Engine, new CaseEvent(RasciOperation, access.State.Pseudonym, AccessDecision.Permit, access.Decision.Rule, access.Role, Subject: $"rasci:{step}"), cancellationToken);
        var corePartners = Enumerable.Range(0, v.Partners.Count).Where(p => (core & (1UL << p)) != 0).Select(p => v.Partners.Names[p]).ToList();
        await lifecycle.ReplaceRolesAsync(access.State.Pseudonym, step, corePartners, assignments, cancellationToken);
        CaseLog.RolesSet(logger, access.State.Pseudonym.Value, step);
        return await summaries.SummaryAsync(access, cancellationToken);
    }

    public async Task<IResult> InviteAsync(ClaimsPrincipal user, string pseudonym, InvitationRequest request, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsync(user, pseudonym, Action, InviteOperation, cancellationToken);
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
            return await gate.BadRequestAsync(user, access, InviteOperation, "The partner cannot be invited", problems, cancellationToken);
        }

        // The roles invited shell partners hold per step in the default RASCI (art. 5.2): the strongest of each step.
        var roles = new Dictionary<string, Role>(StringComparer.Ordinal);
        foreach (var assignment in access.Engine.Set.Rules.Rasci!.Steps.Where(s => s.ShellRoles != 0))
        {
            roles[v.Steps.Names[assignment.Step]] = (Role)System.Numerics.BitOperations.TrailingZeroCount(assignment.ShellRoles);
        }

        var end = request.Until!.Value.ToUniversalTime();
        await audit.RecordAsync(user, access.Engine, new CaseEvent(InviteOperation, access.State.Pseudonym, AccessDecision.Permit, access.Decision.Rule, access.Role, Subject: $"invitation:{request.Partner}:{end:O}"), cancellationToken);
        await lifecycle.InviteAsync(access.State.Pseudonym, request.Partner!, end, access.Now, roles, cancellationToken);
        CaseLog.Invited(logger, access.State.Pseudonym.Value, request.Partner!, end);
        return await summaries.SummaryAsync(access, cancellationToken);
    }

    public async Task<IResult> WithdrawAsync(ClaimsPrincipal user, string pseudonym, string partner, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsync(user, pseudonym, Action, WithdrawOperation, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        if (ShellProblem(access.Engine.Vocabulary, partner) is { } problem)
        {
            return await gate.BadRequestAsync(user, access, WithdrawOperation, "The invitation cannot be withdrawn", [problem], cancellationToken);
        }

        var standing = await cases.StandingAsync(access.State.Pseudonym, partner, access.State.Step, cancellationToken);
        if (standing.InvitedUntil is null)
        {
            await audit.RecordAsync(user, access.Engine, new CaseEvent(WithdrawOperation, access.State.Pseudonym, AccessDecision.Error, access.Decision.Rule, access.Role, Subject: $"invitation:{partner}"), cancellationToken);
            return Problems.NotFound("Invitation not found", $"'{partner}' is not invited on this case");
        }

        await audit.RecordAsync(user, access.Engine, new CaseEvent(WithdrawOperation, access.State.Pseudonym, AccessDecision.Permit, access.Decision.Rule, access.Role, Subject: $"invitation:{partner}"), cancellationToken);
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
