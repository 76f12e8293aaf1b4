using System.Security.Claims;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Storage.Cases;

namespace Informatiedeling.Hub.Cases;

/// <summary>A request let through the gate: the policy set it was decided by, the case as it stood, the caller's standing on it.</summary>
internal sealed record CaseAccess(PolicyEngine Engine, string Partner, PartnerId PartnerId, DateTimeOffset Now, CaseState State, CaseStanding Standing, ActionDecision Decision)
{
    public Role? Role => Standing.Role;
}

/// <summary>Either the access to go on with, or the answer that refuses it (already recorded in the access log).</summary>
internal readonly record struct GateResult(CaseAccess? Access, IResult? Refusal);

/// <summary>
/// The way into every lifecycle action: finds the case and the caller's role in its current step, lets the engine
/// decide the action, and records every refusal. A case the caller has no standing on answers exactly like one that
/// does not exist.
/// </summary>
internal sealed class CaseGate(PolicyHolder policy, CaseDirectory cases, CaseAudit audit, TimeProvider time)
{
    /// <summary>Decides <paramref name="action"/> (an action id of actions.yaml), or, when null, mere standing on the case (any role, I included).</summary>
    public async Task<GateResult> EnterAsync(ClaimsPrincipal user, string pseudonymText, string? action, string operation, CancellationToken cancellationToken)
    {
        var engine = policy.Current;
        var partner = user.PartnerOf() ?? "";
        var now = time.GetUtcNow();
        PartnerId.TryParse(partner, out var partnerId);
        if (!CasePseudonym.TryParse(pseudonymText, out var pseudonym))
        {
            await audit.RecordAsync(user, engine, new CaseEvent(operation, null, AccessDecision.Deny, null), cancellationToken);
            return new GateResult(null, Problems.CaseNotFound());
        }

        var found = await cases.FindWithStandingAsync(pseudonym, partner, cancellationToken);
        if (found is null)
        {
            await audit.RecordAsync(user, engine, new CaseEvent(operation, pseudonym, AccessDecision.Deny, null), cancellationToken);
            return new GateResult(null, Problems.CaseNotFound());
        }

        var (state, standing) = found.Value;
        StepId.TryParse(state.Step, out var step);
        var decision = action is null
            ? engine.DecideStanding(partnerId, standing.Role, now, standing.InvitedUntil)
            : engine.DecideAction(partnerId, standing.Role, step, state.Status, action, now, standing.InvitedUntil);
        if (!decision.Permitted && action is not null && standing.Role is { } stored)
        {
            // A case stores one role per partner and step, the strongest of the default RASCI; where that default gives
            // the partner a second role in the step (the reporting point is R and A in melding), the action may rest on it.
            foreach (var other in HeldRoles(engine.Set, partner, state.Step, stored))
            {
                var alternative = engine.DecideAction(partnerId, other, step, state.Status, action, now, standing.InvitedUntil);
                if (alternative.Permitted)
                {
                    decision = alternative;
                    standing = standing with { Role = other };
                    break;
                }
            }
        }

        if (!decision.Permitted)
        {
            await audit.RecordAsync(user, engine, new CaseEvent(operation, pseudonym, AccessDecision.Deny, decision.Rule, standing.Role), cancellationToken);
            return new GateResult(null, decision.CaseHidden ? Problems.CaseNotFound() : Problems.Forbidden("Not allowed on this case", decision.Describe(), decision.Rule));
        }

        return new GateResult(new CaseAccess(engine, partner, partnerId, now, state, standing, decision), null);
    }

    /// <summary>The default RASCI's other roles of the partner in the step, when the case still holds that default's role.</summary>
    private static IEnumerable<Role> HeldRoles(PolicySet set, string partner, string step, Role stored)
    {
        var v = set.Vocabulary;
        if (!v.Partners.TryGetIndex(partner, out var p) || !v.Steps.TryGetIndex(step, out var s)
            || set.Rules.Rasci?.Steps.FirstOrDefault(x => x.Step == s) is not { } assignment || assignment.RoleOf(p) != stored)
        {
            return [];
        }

        return assignment.RolesOf(p).Where(r => r != stored);
    }

    /// <summary>A request that passed the gate but is malformed: recorded as an error, answered 400, nothing changed.</summary>
    public async Task<IResult> BadRequestAsync(ClaimsPrincipal user, CaseAccess access, string operation, string title, IReadOnlyList<string> problems, CancellationToken cancellationToken)
    {
        await audit.RecordAsync(user, access.Engine, new CaseEvent(operation, access.State.Pseudonym, AccessDecision.Error, null, access.Role), cancellationToken);
        return Problems.BadRequest(title, problems);
    }
}
