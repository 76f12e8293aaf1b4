namespace Informatiedeling.Policy.Engine;

/// <summary>
/// The decisions the hub's gate takes beyond one call of the engine, in one place so that the gate and a replay of the
/// access log decide alike: an action on a case (with the second role the default RASCI may give in the step), on no
/// case yet, with standing also required, and aggregated figures.
/// </summary>
public static class CaseDecisions
{
    /// <summary>
    /// Mere standing (<paramref name="action"/> null) or an action on a case. When the action is refused in the role the
    /// case stores and <paramref name="tryHeldRoles"/> (standing judged in the current step), each other role the default
    /// RASCI gives the partner in the step is tried, and the one that permits is returned in <paramref name="actedAs"/>.
    /// With <paramref name="needsStanding"/> a permitted action is refused (the case hidden) without standing on the case.
    /// </summary>
    public static ActionDecision OnCase(
        PolicyEngine engine, PartnerId partner, Role? role, string step, CaseStatus status, string? action, DateTimeOffset at,
        DateTimeOffset? invitedUntil, bool tryHeldRoles, bool needsStanding, out Role? actedAs)
    {
        ArgumentNullException.ThrowIfNull(engine);
        actedAs = role;
        if (action is null)
        {
            return engine.DecideStanding(partner, role, at, invitedUntil);
        }

        StepId.TryParse(step, out var stepId);
        var decision = engine.DecideAction(partner, role, stepId, status, action, at, invitedUntil);
        if (!decision.Permitted && tryHeldRoles && role is { } stored)
        {
            // A case stores one role per partner and step, the strongest of the default RASCI; where that default gives
            // the partner a second role in the step (the reporting point is R and A in melding), the action may rest on it.
            foreach (var other in HeldRoles(engine.Set, partner.Value ?? "", step, stored))
            {
                var alternative = engine.DecideAction(partner, other, stepId, status, action, at, invitedUntil);
                if (alternative.Permitted)
                {
                    actedAs = other;
                    decision = alternative;
                    break;
                }
            }
        }

        if (decision.Permitted && needsStanding && engine.DecideStanding(partner, actedAs, at, invitedUntil) is { Permitted: false } without)
        {
            // The action needs no role of itself, but acting on this file does: without standing, the case is not there.
            return without;
        }

        return decision;
    }

    /// <summary>An action on no case yet (taking in a report): decided in <paramref name="step"/> of an open case, without a role.</summary>
    public static ActionDecision OnNewCase(PolicyEngine engine, PartnerId partner, string step, string action, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(engine);
        StepId.TryParse(step, out var stepId);
        return engine.DecideAction(partner, null, stepId, CaseStatus.Open, action, at, null);
    }

    /// <summary>
    /// Aggregated figures under <paramref name="purpose"/>: decided without role or step, as for a closed case, with no
    /// category; permitted only when the purpose gives this partner aggregated figures. A purpose of another scope is
    /// refused under that purpose's rule.
    /// </summary>
    public static FiguresDecision Figures(PolicyEngine engine, string partner, string purpose, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var decision = DecisionInput.Decide(engine, partner, null, null, "closed", purpose, [], at, null, null);
        if (decision.UnknownKind != IdentifierKind.None)
        {
            return new(false, decision.Rule, decision);
        }

        if (decision.Scope != ReleaseScope.Aggregate)
        {
            var rule = engine.Vocabulary.Purposes.TryGetIndex(purpose, out var index) && engine.Set.Rules.Purposes.FirstOrDefault(r => r.Purpose == index) is { } purposeRule
                ? new Explanation(purposeRule.Rule.Id, purposeRule.Rule.Article, DecisionReason.PurposeNotForPartner, $"purpose '{purpose}' does not give aggregated figures",
                    $"het doel '{purpose}' geeft geen geaggregeerde cijfers")
                : decision.Rule;
            return new(false, rule, decision);
        }

        return new(decision.ScopeReleased, decision.Rule, decision);
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
}

/// <summary>Whether aggregated figures are given, under which rule, and the engine's decision it rests on.</summary>
public readonly record struct FiguresDecision(bool Permitted, Explanation Rule, Decision Decision);
