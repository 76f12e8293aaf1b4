using Informatiedeling.Policy;
using Informatiedeling.Policy.Administration;
using Informatiedeling.Policy.Loading;

namespace Informatiedeling.Domain.Tests.Policy.Administration;

/// <summary>
/// The diff by meaning of the reference set against the same set with one YAML text edited: each edit shows as
/// exactly the rule and aspect it changes, widening or narrowing. The reference set grants all the convenant's
/// bounds allow, so a widening is shown as the way back from a narrowed set to the reference.
/// </summary>
public sealed class SemanticDiffTests
{
    [Fact]
    public void Two_loads_of_the_same_set_differ_in_nothing()
    {
        var diff = SemanticDiff.Compare(Reference(), Reference());

        Assert.True(diff.IsEmpty);
        Assert.False(diff.Widens);
    }

    [Fact]
    public void A_partner_added_to_a_purpose_widens_and_removed_narrows()
    {
        var without = Edited(("purposes.yaml",
            "partners: [zorgcoordinatie, veilig-thuis, gemeente, ggd, coa, jeugdbescherming]",
            "partners: [zorgcoordinatie, veilig-thuis, gemeente, coa, jeugdbescherming]"));

        var added = SemanticDiff.Compare(without, Reference());
        var removed = SemanticDiff.Compare(Reference(), without);

        Assert.Equal(["purposes doel-zorgcoordinatie 3.4 Changed: partners Widens +[ggd] -[]"], Render(added));
        Assert.True(added.Widens);
        Assert.Equal(["purposes doel-zorgcoordinatie 3.4 Changed: partners Narrows +[] -[ggd]"], Render(removed));
        Assert.False(removed.Widens);
    }

    [Fact]
    public void Writing_a_group_out_as_its_members_changes_nothing()
    {
        var diff = SemanticDiff.Compare(Reference(), Edited(("purposes.yaml",
            "    partners: [investigative]\n", "    partners: [politie, om, arbeidsinspectie, kmar]\n")));

        Assert.True(diff.IsEmpty);
    }

    [Fact]
    public void A_step_removed_from_a_purpose_narrows()
    {
        var diff = SemanticDiff.Compare(Reference(), Edited(("purposes.yaml",
            "    steps: [casusoverleg, uitvoering]\n", "    steps: [uitvoering]\n")));

        Assert.Equal(["purposes doel-strafrechtelijke-handhaving 3.5 Changed: steps Narrows +[] -[casusoverleg]"], Render(diff));
        Assert.False(diff.Widens);
    }

    [Fact]
    public void A_case_status_narrowed_from_any_to_open_drops_closed_cases()
    {
        var diff = SemanticDiff.Compare(Reference(), Edited(("purposes.yaml",
            "    caseStatus: any\n    scope: aggregate\n", "    caseStatus: open\n    scope: aggregate\n")));

        Assert.Equal(["purposes doel-monitoring 3.8 Changed: status Narrows +[] -[closed] any -> open"], Render(diff));
    }

    [Fact]
    public void A_shorter_retention_narrows_and_a_longer_one_widens()
    {
        var shorter = Edited(("retention.yaml", "category: exceptioneel, days: 90", "category: exceptioneel, days: 60"));

        Assert.Equal(["retention bewaar-exceptioneel 8.3 Changed: days Narrows +[] -[] 90 -> 60"], Render(SemanticDiff.Compare(Reference(), shorter)));
        var longer = SemanticDiff.Compare(shorter, Reference());
        Assert.Equal(["retention bewaar-exceptioneel 8.3 Changed: days Widens +[] -[] 60 -> 90"], Render(longer));
        Assert.True(longer.Widens);
    }

    [Fact]
    public void The_convenant_refuses_a_justification_removed_from_its_own_fence()
    {
        var (result, _) = ReferencePolicy.LoadEdited("fences.yaml", t => t.Replace("justification: required", "justification: none", StringComparison.Ordinal));

        Assert.Contains(result.Errors, e => e.Code == "PL073" && e.Message.Contains("must keep 'justification: required'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_new_purpose_fence_narrows_and_dropping_its_justification_and_review_widens()
    {
        const string Fence =
            "\n  - id: hek-handhaving\n    purpose: strafrechtelijke-handhaving\n    categories: [statisch, dynamisch, strafrechtelijk]\n" +
            "    justification: required\n    obligations: [review]\n    article: \"3.5\"\n";
        var fenced = Edited(("fences.yaml", "\n  # A closed case releases", Fence + "\n  # A closed case releases"));
        var loosened = Edited(("fences.yaml", "\n  # A closed case releases",
            Fence.Replace("    justification: required\n    obligations: [review]\n", "", StringComparison.Ordinal) + "\n  # A closed case releases"));

        Assert.Equal(
            ["fences hek-handhaving 3.5 Added: categories Narrows +[] -[exceptioneel, melder-identiteit]; justification Narrows +[] -[] none -> required; obligations Narrows +[review] -[]"],
            Render(SemanticDiff.Compare(Reference(), fenced)));
        var diff = SemanticDiff.Compare(fenced, loosened);
        Assert.Equal(
            ["fences hek-handhaving 3.5 Changed: justification Widens +[] -[] required -> none; obligations Widens +[] -[review]"],
            Render(diff));
        Assert.True(diff.Widens);
        Assert.Equal(["fences hek-handhaving 3.5 Removed: categories Widens +[exceptioneel, melder-identiteit] -[]"], Render(SemanticDiff.Compare(loosened, Reference())));
    }

    [Fact]
    public void A_narrower_category_fence_and_status_fence_narrow()
    {
        var diff = SemanticDiff.Compare(Reference(), Edited(
            ("fences.yaml", "    roles: [R, A, S]\n", "    roles: [R, A]\n"),
            ("fences.yaml", "purposes: [evaluatie, monitoring]", "purposes: [evaluatie]")));

        Assert.Equal(
            [
                "fences hek-strafrechtelijk 7.1 Changed: roles Narrows +[] -[S]",
                "fences hek-gesloten-dossier 7.5 Changed: purposes Narrows +[] -[monitoring]",
            ],
            Render(diff));
    }

    [Fact]
    public void A_partner_given_a_role_in_a_step_of_the_default_rasci_widens()
    {
        var without = Edited(("rasci.yaml", "S: [politie, om, zorgcoordinatie, gemeente], C: [shell]", "S: [politie, om, zorgcoordinatie]"));

        var diff = SemanticDiff.Compare(without, Reference());

        Assert.Equal(["defaultRasci rasci:casusoverleg 5.2 Changed: partner:gemeente Widens +[S] -[] none -> S; shell Widens +[C] -[] none -> C"], Render(diff));
        Assert.True(diff.Widens);
    }

    [Fact]
    public void A_partner_weakened_in_a_step_narrows_and_strengthened_widens()
    {
        // The reference convenant gives no partner a choice of roles in a step; this one lets politie be C or I.
        var convenant = ("convenant.yaml", "{ step: eerste-weging, R: [veilig-thuis], A: [zvh], C: [politie, zorgcoordinatie] }",
            "{ step: eerste-weging, R: [veilig-thuis], A: [zvh], C: [politie, zorgcoordinatie], I: [politie] }");
        var consulted = Edited(convenant);
        var informed = Edited(convenant, ("rasci.yaml", "{ step: eerste-weging, R: [veilig-thuis], A: [zvh], C: [politie, zorgcoordinatie] }",
            "{ step: eerste-weging, R: [veilig-thuis], A: [zvh], C: [zorgcoordinatie], I: [politie] }"));
        var both = Edited(convenant, ("rasci.yaml", "C: [politie, zorgcoordinatie] }", "C: [politie, zorgcoordinatie], I: [politie] }"));

        Assert.Equal(["defaultRasci rasci:eerste-weging 5.2 Changed: partner:politie Narrows +[I] -[C] C -> I"], Render(SemanticDiff.Compare(consulted, informed)));
        Assert.Equal(["defaultRasci rasci:eerste-weging 5.2 Changed: partner:politie Widens +[C] -[I] I -> C"], Render(SemanticDiff.Compare(informed, consulted)));
        Assert.Equal(["defaultRasci rasci:eerste-weging 5.2 Changed: partner:politie Widens +[I] -[] C -> C, I"], Render(SemanticDiff.Compare(consulted, both)));
        Assert.Equal(["defaultRasci rasci:eerste-weging 5.2 Changed: partner:politie Narrows +[] -[C] C, I -> I"], Render(SemanticDiff.Compare(both, informed)));
    }

    [Fact]
    public void A_field_moved_to_another_category_widens()
    {
        var moved = Edited(("fields.yaml", "    label: Verblijfsstatus\n    category: dynamisch\n", "    label: Verblijfsstatus\n    category: exceptioneel\n"));

        var diff = SemanticDiff.Compare(Reference(), moved);

        Assert.Equal(["fields persoon.verblijfsstatus - Changed: category Widens +[exceptioneel] -[dynamisch] dynamisch -> exceptioneel"], Render(diff));
        Assert.True(diff.Widens);
    }

    [Fact]
    public void A_field_added_widens_removed_narrows_and_a_new_label_or_value_is_neutral()
    {
        const string Field = "  - id: persoon.e-mail\n    label: E-mailadres\n    category: statisch\n    type: text\n";
        var without = Edited(("fields.yaml", Field, ""));
        var relabelled = Edited(
            ("fields.yaml", "    label: E-mailadres\n", "    label: E-mail\n"),
            ("fields.yaml", "values: [man, vrouw, anders, onbekend]", "values: [man, vrouw, anders, onbekend, niet-vermeld]"));

        Assert.Equal(["fields persoon.e-mail - Removed: category Narrows +[] -[statisch] statisch -> ·"], Render(SemanticDiff.Compare(Reference(), without)));
        Assert.Equal(["fields persoon.e-mail - Added: category Widens +[statisch] -[] · -> statisch"], Render(SemanticDiff.Compare(without, Reference())));
        var diff = SemanticDiff.Compare(Reference(), relabelled);
        Assert.Equal(
            [
                "fields persoon.geslacht - Changed: values Neutral +[niet-vermeld] -[]",
                "fields persoon.e-mail - Changed: label Neutral +[] -[] E-mailadres -> E-mail",
            ],
            Render(diff));
        Assert.False(diff.Widens);
    }

    [Fact]
    public void A_renamed_rule_is_the_same_rule_with_another_id()
    {
        var diff = SemanticDiff.Compare(Reference(), Edited(("role-views.yaml", "id: zicht-c\n", "id: zicht-consulted\n")));

        Assert.Equal(["roleViews zicht-consulted 6.3 Changed: id Neutral +[] -[] zicht-c -> zicht-consulted"], Render(diff));
        Assert.False(diff.Widens);
    }

    [Fact]
    public void An_action_that_needs_no_role_any_more_widens_to_every_role_and_none()
    {
        var withRoles = Edited(("actions.yaml", "    partners: [veilig-thuis]\n    article: \"5.6\"\n", "    partners: [veilig-thuis]\n    roles: [R, A]\n    article: \"5.6\"\n"));

        Assert.Equal(["actions handeling-melding-aannemen 5.6 Changed: roles Widens +[S, C, I, no-role] -[]"], Render(SemanticDiff.Compare(withRoles, Reference())));
        Assert.Equal(
            ["actions handeling-stap-afronden 5.6 Changed: partners Narrows +[] -[politie, om, veilig-thuis, zorgcoordinatie, gemeente, arbeidsinspectie, kmar, riec, ggd, coa, ind, jeugdbescherming]"],
            Render(SemanticDiff.Compare(Reference(), Edited(("actions.yaml", "    roles: [A]\n    article: \"5.6\"\n", "    partners: [zvh]\n    roles: [A]\n    article: \"5.6\"\n")))));
    }

    [Fact]
    public void Changes_in_several_files_come_section_by_section()
    {
        var diff = SemanticDiff.Compare(Reference(), Edited(
            ("actions.yaml", "    roles: [A]\n    steps: [uitvoering, nazorg]\n", "    roles: [A]\n    steps: [nazorg]\n"),
            ("retention.yaml", "category: statisch, days: 730", "category: statisch, days: 365"),
            ("role-views.yaml", "categories: [dynamisch]", "categories: []")));

        Assert.Equal(
            [
                "roleViews zicht-c 6.3 Changed: categories Narrows +[] -[dynamisch]",
                "retention bewaar-statisch 8.4 Changed: days Narrows +[] -[] 730 -> 365",
                "actions handeling-dossier-sluiten 5.5 Changed: steps Narrows +[] -[uitvoering]",
            ],
            Render(diff));
        Assert.False(diff.Widens);
    }

    [Fact]
    public void Sets_of_different_convenants_are_not_compared()
    {
        var convenant = ReferencePolicy.Convenant.Text.Replace(
            "  jeugdbescherming: { name: Jeugdbescherming, groups: [shell] }\n",
            "  jeugdbescherming: { name: Jeugdbescherming, groups: [shell] }\n  reclassering: { name: Reclassering, groups: [shell] }\n",
            StringComparison.Ordinal);
        var other = PolicyLoader.Load(ReferencePolicy.Convenant with { Text = convenant }, ReferencePolicy.Policies());
        Assert.True(other.Succeeded, string.Join("\n", other.Errors));

        var error = Assert.Throws<ArgumentException>(() => SemanticDiff.Compare(Reference(), other.Set!));
        Assert.Contains("other partners", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_added_widens_only_if_it_grants_something_and_a_retention_period_removed_widens()
    {
        // The loader wants one rule per purpose and category, so these sets are built around it.
        var reference = Reference();
        var rules = reference.Rules;
        var monitoring = rules.Purposes.Single(r => r.Rule.Id == "doel-monitoring");
        var withoutMonitoring = With(reference, rules with { Purposes = rules.Purposes.Remove(monitoring) });
        var toNobody = With(reference, rules with { Purposes = rules.Purposes.Replace(monitoring, monitoring with { Partners = 0 }) });
        var unlimited = With(reference, rules with { Retention = rules.Retention.RemoveAll(r => r.Rule.Id == "bewaar-exceptioneel") });

        var added = SemanticDiff.Compare(withoutMonitoring, reference);
        Assert.Equal(
            ["purposes doel-monitoring 3.8 Added: partners Widens +[politie, om, veilig-thuis, zorgcoordinatie, zvh, gemeente] -[]; steps Widens +[melding, eerste-weging, casusoverleg, uitvoering, nazorg] -[]; roles Widens +[R, A, S, C, I] -[]; status Widens +[open, closed] -[] · -> any; scope Widens +[] -[] · -> aggregate"],
            Render(added));
        Assert.True(added.Widens);
        var nothing = SemanticDiff.Compare(withoutMonitoring, toNobody);
        Assert.Equal(RuleChangeKind.Added, Assert.Single(nothing.Changes).Kind);
        Assert.All(nothing.Changes[0].Aspects, a => Assert.Equal(ChangeDirection.Neutral, a.Direction));
        Assert.False(nothing.Widens);
        Assert.Equal(["purposes doel-monitoring 3.8 Removed: partners Narrows +[] -[politie, om, veilig-thuis, zorgcoordinatie, zvh, gemeente]; steps Narrows +[] -[melding, eerste-weging, casusoverleg, uitvoering, nazorg]; roles Narrows +[] -[R, A, S, C, I]; status Narrows +[] -[open, closed] any -> ·; scope Narrows +[] -[] aggregate -> ·"],
            Render(SemanticDiff.Compare(reference, withoutMonitoring)));
        Assert.Equal(["retention bewaar-exceptioneel 8.3 Removed: days Widens +[] -[] 90 -> ·"], Render(SemanticDiff.Compare(reference, unlimited)));
    }

    private static PolicySet With(PolicySet set, RuleSections rules) =>
        new() { Vocabulary = set.Vocabulary, Rules = rules, ContentHash = set.ContentHash, Bundle = set.Bundle };

    private static PolicySet Reference()
    {
        var result = ReferencePolicy.Load();
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Set!;
    }

    /// <summary>The reference set with each (file, find, replace) applied once; the file may be <c>convenant.yaml</c>.</summary>
    private static PolicySet Edited(params (string File, string Find, string Replace)[] edits)
    {
        var convenant = ReferencePolicy.Convenant;
        var policies = ReferencePolicy.Policies();
        foreach (var (file, find, replace) in edits)
        {
            var index = policies.FindIndex(p => p.Path == file);
            var source = file == convenant.Path ? convenant : policies[index];
            var at = source.Text.IndexOf(find, StringComparison.Ordinal);
            Assert.True(at >= 0, $"'{find}' is not in {file}");
            source = source with { Text = string.Concat(source.Text.AsSpan(0, at), replace, source.Text.AsSpan(at + find.Length)) };
            if (file == convenant.Path)
            {
                convenant = source;
            }
            else
            {
                policies[index] = source;
            }
        }

        var result = PolicyLoader.Load(convenant, policies);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Set!;
    }

    private static string[] Render(PolicyDiff diff) => [.. diff.Changes.Select(Render)];

    private static string Render(RuleChange change) =>
        $"{change.Section} {change.RuleId} {change.Article ?? "-"} {change.Kind}: {string.Join("; ", change.Aspects.Select(Render))}";

    private static string Render(AspectChange a) =>
        $"{a.Aspect} {a.Direction} +[{string.Join(", ", a.Added)}] -[{string.Join(", ", a.Removed)}]" +
        (a.Before is null && a.After is null ? "" : $" {a.Before ?? "·"} -> {a.After ?? "·"}");
}
