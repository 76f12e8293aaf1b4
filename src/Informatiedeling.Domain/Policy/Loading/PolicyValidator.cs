using Informatiedeling.Policy.Yaml;

namespace Informatiedeling.Policy.Loading;

/// <summary>
/// Checks that a policy set is complete, has no duplicate or contradicting rules, and grants nothing the
/// convenant's bounds do not allow. Each finding names the rule's position and what to do.
/// </summary>
internal static class PolicyValidator
{
    public static void Validate(Vocabulary v, RuleSections bounds, RuleSections policy, PolicyDiagnostics d)
    {
        SourcePosition At(string section) => policy.SectionPositions[section];

        UniqueRuleIds(policy, d);
        Purposes(v, bounds, policy, d, At("purposes"));
        RoleViews(v, bounds, policy, d, At("roleViews"));
        CategoryFences(v, bounds, policy, d, At("fences"));
        PurposeFences(v, bounds, policy, d, At("fences"));
        StatusFences(v, bounds, policy, d, At("fences"));
        Retention(v, bounds, policy, d, At("retention"));
        Rasci(v, bounds, policy, d, At("defaultRasci"));
        Fields(v, policy, d, At("fields"));
        Actions(v, bounds, policy, d, At("actions"));
    }

    private static void Actions(Vocabulary v, RuleSections bounds, RuleSections policy, PolicyDiagnostics d, SourcePosition anchor)
    {
        for (var a = 0; a < v.Actions.Count; a++)
        {
            var name = v.Actions.Names[a];
            var rules = policy.Actions.Where(r => r.Action == a).ToList();
            if (!Single(rules, r => r.Rule, $"action '{name}'", d, anchor, "PL083",
                    $"action '{name}' has no rule in actions.yaml; add one (with 'partners: []' to allow it to nobody)"))
            {
                continue;
            }

            var rule = rules[0];
            var bound = bounds.Actions.FirstOrDefault(b => b.Action == a);
            var where = $"rule '{rule.Rule.Id}'";
            Subset(d, rule.Rule, where, "partners", rule.Partners, bound?.Partners ?? 0, v.Partners);
            Subset(d, rule.Rule, where, "steps", rule.Steps, bound?.Steps ?? 0, v.Steps);
            if (bound is not null && bound.Status is not null && rule.Status != bound.Status)
            {
                Grants(d, rule.Rule, where, $"case status '{Status(rule.Status)}'", $"case status '{Status(bound.Status)}' only");
            }

            var boundRoles = bound?.Roles ?? 0;
            if (boundRoles != 0 && (rule.Roles == 0 || (rule.Roles & ~boundRoles) != 0))
            {
                Grants(d, rule.Rule, where, rule.Roles == 0 ? "the action without a role on the case" : $"roles {Roles.Describe((byte)(rule.Roles & ~boundRoles))}", $"roles {Roles.Describe(boundRoles)}");
            }
        }
    }

    private static void UniqueRuleIds(RuleSections policy, PolicyDiagnostics d)
    {
        IEnumerable<RuleRef> all = [
            .. policy.Purposes.Select(r => r.Rule), .. policy.RoleViews.Select(r => r.Rule),
            .. policy.CategoryFences.Select(r => r.Rule), .. policy.PurposeFences.Select(r => r.Rule),
            .. policy.StatusFences.Select(r => r.Rule), .. policy.Retention.Select(r => r.Rule), .. policy.Actions.Select(r => r.Rule),
            .. policy.Rasci is null ? [] : new[] { policy.Rasci.Rule }];
        foreach (var group in all.GroupBy(r => r.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var first = group.First();
            foreach (var again in group.Skip(1))
            {
                d.Error(again.Position, "PL061", $"rule id '{again.Id}' is also used at {first.Position}; give every rule its own id");
            }
        }
    }

    private static void Purposes(Vocabulary v, RuleSections bounds, RuleSections policy, PolicyDiagnostics d, SourcePosition anchor)
    {
        for (var p = 0; p < v.Purposes.Count; p++)
        {
            var name = v.Purposes.Names[p];
            var rules = policy.Purposes.Where(r => r.Purpose == p).ToList();
            if (!Single(rules, r => r.Rule, $"purpose '{name}'", d, anchor, "PL063",
                    $"purpose '{name}' has no rule in purposes.yaml; add one (with 'partners: []' to allow it to nobody)"))
            {
                continue;
            }

            var rule = rules[0];
            var bound = bounds.Purposes.FirstOrDefault(b => b.Purpose == p);
            if (bound is null)
            {
                d.Error(rule.Rule.Position, "PL070", $"the convenant allows no exchange under purpose '{name}'; remove rule '{rule.Rule.Id}'");
                continue;
            }

            var where = $"rule '{rule.Rule.Id}'";
            Subset(d, rule.Rule, where, "partners", rule.Partners, bound.Partners, v.Partners);
            Subset(d, rule.Rule, where, "steps", rule.Steps, bound.Steps, v.Steps);
            if ((rule.Roles & ~bound.Roles) != 0)
            {
                Grants(d, rule.Rule, where, $"roles {Roles.Describe((byte)(rule.Roles & ~bound.Roles))}", $"roles {Roles.Describe(bound.Roles)}");
            }

            if (rule.Status != bound.Status && bound.Status is not null)
            {
                Grants(d, rule.Rule, where, $"case status '{Status(rule.Status)}'", $"case status '{Status(bound.Status)}' only");
            }

            if (rule.Scope != bound.Scope)
            {
                Grants(d, rule.Rule, where, $"scope '{rule.Scope.Name()}'", $"scope '{bound.Scope.Name()}'");
            }
        }
    }

    private static void RoleViews(Vocabulary v, RuleSections bounds, RuleSections policy, PolicyDiagnostics d, SourcePosition anchor)
    {
        for (var r = 0; r < Roles.Count; r++)
        {
            var role = (Role)r;
            var views = policy.RoleViews.Where(x => x.Role == role).ToList();
            if (!Single(views, x => x.Rule, $"role {role.Name()}", d, anchor, "PL064",
                    $"role {role.Name()} has no view in role-views.yaml; add one ('categories: []' for none)"))
            {
                continue;
            }

            var view = views[0];
            var fenced = view.Categories & v.FencedCategories;
            if (fenced != 0)
            {
                d.Error(view.Rule.Position, "PL071",
                    $"rule '{view.Rule.Id}' grants the fenced category {v.Categories.Describe(fenced)} to role {role.Name()}; " +
                    "only a fence in fences.yaml opens a fenced category (art. 7). Remove it");
            }

            var bound = bounds.RoleViews.FirstOrDefault(b => b.Role == role)?.Categories ?? 0;
            Subset(d, view.Rule, $"rule '{view.Rule.Id}'", "categories", view.Categories & ~fenced, bound, v.Categories);
        }
    }

    private static void CategoryFences(Vocabulary v, RuleSections bounds, RuleSections policy, PolicyDiagnostics d, SourcePosition anchor)
    {
        foreach (var fence in policy.CategoryFences.Where(f => (v.FencedCategories & (1UL << f.Category)) == 0))
        {
            d.Error(fence.Rule.Position, "PL072", $"category '{v.Categories.Names[fence.Category]}' is not fenced in the convenant; grant it through role-views.yaml");
        }

        for (var c = 0; c < v.Categories.Count; c++)
        {
            if ((v.FencedCategories & (1UL << c)) == 0)
            {
                continue;
            }

            var name = v.Categories.Names[c];
            var fences = policy.CategoryFences.Where(f => f.Category == c).ToList();
            if (!Single(fences, f => f.Rule, $"fenced category '{name}'", d, anchor, "PL065",
                    $"the fenced category '{name}' has no fence in fences.yaml; add the fence of the convenant"))
            {
                continue;
            }

            var fence = fences[0];
            var bound = bounds.CategoryFences.FirstOrDefault(b => b.Category == c);
            var where = $"fence '{fence.Rule.Id}' ({name})";
            Subset(d, fence.Rule, where, "partners", fence.Partners, bound?.Partners ?? 0, v.Partners);
            Subset(d, fence.Rule, where, "purposes", fence.Purposes, bound?.Purposes ?? 0, v.Purposes);
            var boundRoles = bound?.Roles ?? 0;
            if ((fence.Roles & ~boundRoles) != 0)
            {
                Grants(d, fence.Rule, where, $"roles {Roles.Describe((byte)(fence.Roles & ~boundRoles))}", $"roles {Roles.Describe(boundRoles)}");
            }
        }
    }

    private static void PurposeFences(Vocabulary v, RuleSections bounds, RuleSections policy, PolicyDiagnostics d, SourcePosition anchor)
    {
        foreach (var group in policy.PurposeFences.GroupBy(f => f.Purpose))
        {
            Single([.. group], f => f.Rule, $"purpose '{v.Purposes.Names[group.Key]}'", d, anchor, "PL066", "");
        }

        foreach (var bound in bounds.PurposeFences)
        {
            var name = v.Purposes.Names[bound.Purpose];
            var fence = policy.PurposeFences.FirstOrDefault(f => f.Purpose == bound.Purpose);
            if (fence is null)
            {
                d.Error(anchor, "PL066", $"the convenant fences purpose '{name}' but fences.yaml has no fence for it; add it");
                continue;
            }

            var where = $"fence '{fence.Rule.Id}' ({name})";
            Subset(d, fence.Rule, where, "categories", fence.Categories, bound.Categories, v.Categories);
            if (bound.JustificationRequired && !fence.JustificationRequired)
            {
                d.Error(fence.Rule.Position, "PL073", $"{where} must keep 'justification: required' (art. {fence.Rule.Article})");
            }

            if ((bound.Obligations & ~fence.Obligations) != 0)
            {
                d.Error(fence.Rule.Position, "PL073", $"{where} drops the obligation '{(bound.Obligations & ~fence.Obligations).ToString().ToLowerInvariant()}' the convenant requires; add it back");
            }
        }
    }

    private static void StatusFences(Vocabulary v, RuleSections bounds, RuleSections policy, PolicyDiagnostics d, SourcePosition anchor)
    {
        foreach (var bound in bounds.StatusFences)
        {
            var fences = policy.StatusFences.Where(f => f.Status == bound.Status).ToList();
            if (!Single(fences, f => f.Rule, $"case status '{Status(bound.Status)}'", d, anchor, "PL067",
                    $"the convenant fences {Status(bound.Status)} cases but fences.yaml has no fence for them; add it"))
            {
                continue;
            }

            Subset(d, fences[0].Rule, $"fence '{fences[0].Rule.Id}'", "purposes", fences[0].Purposes, bound.Purposes, v.Purposes);
        }
    }

    private static void Retention(Vocabulary v, RuleSections bounds, RuleSections policy, PolicyDiagnostics d, SourcePosition anchor)
    {
        for (var c = 0; c < v.Categories.Count; c++)
        {
            var name = v.Categories.Names[c];
            var rules = policy.Retention.Where(r => r.Category == c).ToList();
            if (!Single(rules, r => r.Rule, $"the retention of '{name}'", d, anchor, "PL068",
                    $"category '{name}' has no retention period in retention.yaml; every category needs one (art. 8)"))
            {
                continue;
            }

            var bound = bounds.Retention.FirstOrDefault(b => b.Category == c);
            if (bound is not null && rules[0].Days > bound.Days)
            {
                d.Error(rules[0].Rule.Position, "PL075",
                    $"rule '{rules[0].Rule.Id}' keeps '{name}' {rules[0].Days} days after closure; the convenant allows at most {bound.Days}");
            }
        }
    }

    private static void Rasci(Vocabulary v, RuleSections bounds, RuleSections policy, PolicyDiagnostics d, SourcePosition anchor)
    {
        if (policy.Rasci is null)
        {
            d.Error(anchor, "PL069", "the policy set has no 'defaultRasci' (art. 5.2); add rasci.yaml");
            return;
        }

        for (var s = 0; s < v.Steps.Count; s++)
        {
            var name = v.Steps.Names[s];
            var steps = policy.Rasci.Steps.Where(x => x.Step == s).ToList();
            if (steps.Count != 1)
            {
                d.Error(policy.Rasci.Rule.Position, "PL069", $"defaultRasci must have exactly one line for step '{name}', it has {steps.Count}");
                continue;
            }

            var step = steps[0];
            if (step.PartnersByRole[(int)Role.R] == 0 || step.PartnersByRole[(int)Role.A] == 0)
            {
                d.Error(policy.Rasci.Rule.Position, "PL077", $"step '{name}' needs at least one partner as R and one as A");
            }

            var bound = bounds.Rasci?.Steps.FirstOrDefault(b => b.Step == s);
            for (var r = 0; r < Roles.Count; r++)
            {
                var extra = step.PartnersByRole[r] & ~(bound?.PartnersByRole[r] ?? 0);
                var extraShell = (step.ShellRoles & (1 << r)) != 0 && ((bound?.ShellRoles ?? 0) & (1 << r)) == 0;
                if (extra != 0 || extraShell)
                {
                    Grants(d, policy.Rasci.Rule, $"defaultRasci, step '{name}'",
                        $"role {Roles.Names[r]} to {(extra != 0 ? v.Partners.Describe(extra) : "shell")}",
                        $"role {Roles.Names[r]} to {v.Partners.Describe(bound?.PartnersByRole[r] ?? 0)} only");
                }
            }
        }
    }

    private static void Fields(Vocabulary v, RuleSections policy, PolicyDiagnostics d, SourcePosition anchor)
    {
        if (policy.Fields.IsEmpty)
        {
            d.Error(anchor, "PL080", "the policy set has no field catalogue; add fields.yaml (art. 4.6)");
            return;
        }

        foreach (var group in policy.Fields.GroupBy(f => f.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            foreach (var again in group.Skip(1))
            {
                d.Error(again.Position, "PL081", $"field '{again.Id}' is also defined at {group.First().Position}; a field is in exactly one category");
            }
        }

        foreach (var field in policy.Fields.Where(f => f.Evaluation && f.Type is not (FieldType.Enum or FieldType.Boolean)))
        {
            d.Error(field.Position, "PL082", $"field '{field.Id}' is part of the anonymous evaluation record but is {field.Type}; only enum or boolean fields can be anonymous");
        }

        foreach (var field in policy.Fields.Where(f => f.Evaluation && (v.FencedCategories & (1UL << f.Category)) != 0))
        {
            d.Error(field.Position, "PL082", $"field '{field.Id}' is fenced and cannot be part of the evaluation record");
        }
    }

    private static bool Single<T>(List<T> items, Func<T, RuleRef> rule, string what, PolicyDiagnostics d, SourcePosition anchor, string code, string missing)
    {
        if (items.Count == 0)
        {
            if (missing.Length > 0)
            {
                d.Error(anchor, code, missing);
            }

            return false;
        }

        var first = rule(items[0]);
        foreach (var again in items.Skip(1).Select(rule))
        {
            d.Error(again.Position, "PL062",
                $"rule '{again.Id}' covers {what} again, after '{first.Id}' at {first.Position}: the two duplicate or contradict each other; merge them into one");
        }

        return items.Count == 1;
    }

    private static void Subset(PolicyDiagnostics d, RuleRef rule, string where, string what, ulong granted, ulong bound, NameTable names)
    {
        var extra = granted & ~bound;
        if (extra != 0)
        {
            Grants(d, rule, where, $"{what} {names.Describe(extra)}", $"{what} {names.Describe(bound)}");
        }
    }

    private static void Grants(PolicyDiagnostics d, RuleRef rule, string where, string extra, string allowed) =>
        d.Error(rule.Position, "PL070",
            $"{where} grants {extra}, which the convenant does not allow (its bound is {allowed}); narrow the rule or amend the convenant (art. 11)");

    private static string Status(CaseStatus? status) => status switch
    {
        CaseStatus.Open => "open",
        CaseStatus.Closed => "closed",
        _ => "any",
    };
}
