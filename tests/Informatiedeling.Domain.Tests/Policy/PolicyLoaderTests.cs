using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Policy.Loading;
using Informatiedeling.Policy.Yaml;
using Informatiedeling.Testing;

namespace Informatiedeling.Domain.Tests.Policy;

/// <summary>The loader accepts the reference set and refuses every unsound one, naming file, line and column.</summary>
public sealed class PolicyLoaderTests
{
    [Fact]
    public void Reference_policy_set_loads_without_errors()
    {
        var result = ReferencePolicy.Load();
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var set = result.Set!;
        Assert.Equal(7, set.Rules.Purposes.Length);
        Assert.Equal(5, set.Rules.RoleViews.Length);
        Assert.Equal(2, set.Rules.CategoryFences.Length);
        Assert.Equal(2, set.Rules.PurposeFences.Length);
        Assert.Single(set.Rules.StatusFences);
        Assert.Equal(5, set.Rules.Retention.Length);
        Assert.Matches("^[0-9a-f]{64}$", set.ContentHash);
    }

    [Fact]
    public void An_action_rule_changes_an_open_case_unless_it_names_another_status()
    {
        var set = ReferencePolicy.Load().Set!;
        var actions = set.Vocabulary.Actions;
        Assert.Equal(8, set.Rules.Actions.Length);
        foreach (var rule in set.Rules.Actions)
        {
            var name = actions.Names[rule.Action];
            Assert.Equal(name.StartsWith("bewaarplicht-", StringComparison.Ordinal) ? null : CaseStatus.Open, rule.Status);
        }
    }

    [Fact]
    public void Every_field_of_the_catalogue_is_in_exactly_one_known_category()
    {
        var set = ReferencePolicy.Load().Set!;
        Assert.True(set.Fields.Length >= 45);
        Assert.Equal(set.Fields.Length, set.Fields.Select(f => f.Id).Distinct(StringComparer.Ordinal).Count());
        foreach (var category in set.Vocabulary.Categories.Names)
        {
            Assert.Contains(set.Fields, f => set.Vocabulary.Categories.Names[f.Category] == category);
        }

        Assert.All(set.Fields.Where(f => f.Evaluation), f => Assert.Equal(FieldType.Enum, f.Type));
    }

    [Fact]
    public void Content_hash_changes_with_any_rule_and_only_then()
    {
        var first = ReferencePolicy.Load().Set!.ContentHash;
        Assert.Equal(first, ReferencePolicy.Load().Set!.ContentHash);
        var (edited, _) = ReferencePolicy.LoadEdited("retention.yaml", t => t.Replace("days: 90", "days: 60", StringComparison.Ordinal));
        Assert.True(edited.Succeeded, string.Join("\n", edited.Errors));
        Assert.NotEqual(first, edited.Set!.ContentHash);
    }

    public static TheoryData<string, string, string, string, string, string?> UnsoundSets => new()
    {
        // file, find, replace, expected code, text in the message, text on the expected line
        { "purposes.yaml", "partners: [veilig-thuis, zvh, politie, zorgcoordinatie]", "partners: [veilig-thuis, zvh, politei, zorgcoordinatie]", "PL024", "did you mean 'politie'?", "politei" },
        { "purposes.yaml", "steps: [casusoverleg]", "steps: [casusoverlg]", "PL024", "unknown step 'casusoverlg'; did you mean 'casusoverleg'?", "casusoverlg" },
        { "fences.yaml", "partners: [investigative]", "partners: [investigative, zorgcoordinatie]", "PL070", "grants partners zorgcoordinatie, which the convenant does not allow", "- id: hek-strafrechtelijk" },
        { "fences.yaml", "roles: [R, A, S]", "roles: [R, A, S, C]", "PL070", "grants roles C", "- id: hek-strafrechtelijk" },
        { "fences.yaml", "purposes: [strafrechtelijke-handhaving]", "purposes: [strafrechtelijke-handhaving, zorgcoordinatie]", "PL070", "grants purposes zorgcoordinatie", "- id: hek-strafrechtelijk" },
        { "role-views.yaml", "categories: [statisch, dynamisch]\n", "categories: [statisch, dynamisch, strafrechtelijk]\n", "PL071", "grants the fenced category strafrechtelijk to role S", "- id: zicht-s" },
        { "role-views.yaml", "categories: [dynamisch]", "categories: [dynamisch, statisch]", "PL070", "grants categories statisch", "- id: zicht-c" },
        { "purposes.yaml", "    article: \"3.7\"\n", "", "PL020", "cites no convenant article", "- id: doel-evaluatie" },
        { "purposes.yaml", "article: \"3.7\"", "article: \"3.77\"", "PL023", "article '3.77' is not in the convenant", "3.77" },
        { "purposes.yaml", "  - id: doel-monitoring", "  - id: doel-evaluatie-2\n    purpose: evaluatie\n    partners: [zvh]\n    caseStatus: closed\n    scope: evaluation-record\n    article: \"3.7\"\n\n  - id: doel-monitoring", "PL062", "covers purpose 'evaluatie' again", "- id: doel-evaluatie-2" },
        { "role-views.yaml", "id: zicht-s", "id: zicht-r", "PL061", "rule id 'zicht-r' is also used", null },
        { "purposes.yaml", "steps: [uitvoering, nazorg]\n    caseStatus: open\n    scope: case\n    article: \"3.4\"", "steps: [melding, uitvoering, nazorg]\n    caseStatus: open\n    scope: case\n    article: \"3.4\"", "PL070", "grants steps melding", "- id: doel-zorgcoordinatie" },
        { "fences.yaml", "justification: required", "justification: none", "PL073", "must keep 'justification: required'", "- id: hek-acute-veiligheid" },
        { "fences.yaml", "obligations: [review]", "obligations: []", "PL073", "drops the obligation 'review'", "- id: hek-acute-veiligheid" },
        { "retention.yaml", "days: 90", "days: 400", "PL075", "keeps 'exceptioneel' 400 days after closure; the convenant allows at most 90", "bewaar-exceptioneel" },
        { "retention.yaml", "  - { id: bewaar-exceptioneel, category: exceptioneel, days: 90, article: \"8.3\" }\n", "", "PL068", "category 'exceptioneel' has no retention period", null },
        { "fences.yaml", "    roles: [R, A, S]\n", "    rols: [R, A, S]\n", "PL012", "unknown key 'rols'", "rols:" },
        { "fences.yaml", "  - id: hek-evaluatie\n", "  - id: \"unclosed\n", "PL001", "not valid YAML", null },
        { "fences.yaml", "    article: \"7.1\"\n", "    article: \"7.1\"\n    article: \"7.2\"\n", "PL005", "duplicate key 'article'", "article: \"7.2\"" },
        { "rasci.yaml", "{ step: melding, R: [veilig-thuis]", "{ step: melding, R: [veilig-thuis, gemeente]", "PL070", "role R to gemeente", null },
        { "rasci.yaml", "C: [shell], I: [veilig-thuis]", "C: [ggd], I: [veilig-thuis]", "PL031", "'ggd' is a shell partner", "C: [ggd]" },
        { "actions.yaml", "    partners: [veilig-thuis]\n", "    partners: [veilig-thuis, politie]\n", "PL070", "grants partners politie", "- id: handeling-melding-aannemen" },
        { "actions.yaml", "    roles: [A]\n    steps: [uitvoering, nazorg]\n", "    steps: [uitvoering, nazorg]\n", "PL070", "grants the action without a role on the case", "- id: handeling-dossier-sluiten" },
        { "purposes.yaml", "scope: aggregate", "scope: evaluation-record", "PL070", "grants scope 'evaluation-record'", "- id: doel-monitoring" },
        { "actions.yaml", "    roles: [A]\n    article: \"5.6\"\n", "    roles: [A]\n    caseStatus: any\n    article: \"5.6\"\n", "PL070", "grants case status 'any', which the convenant does not allow (its bound is case status 'open' only)", "- id: handeling-stap-afronden" },
        { "fences.yaml", "  - id: hek-evaluatie\n", "  - id: hek-handhaving\n    purpose: strafrechtelijke-handhavng\n    categories: [statisch]\n    justification: required\n    article: \"3.5\"\n\n  - id: hek-evaluatie\n", "PL024", "unknown purpose 'strafrechtelijke-handhavng'; did you mean 'strafrechtelijke-handhaving'?", "strafrechtelijke-handhavng" },
        { "fences.yaml", "  - id: hek-evaluatie\n", "  - id: hek-handhaving\n    purpose: strafrechtelijke-handhaving\n    categories: [statisch, bijzonder]\n    justification: required\n    article: \"3.5\"\n\n  - id: hek-evaluatie\n", "PL024", "unknown category 'bijzonder'", "bijzonder" },
        { "actions.yaml", "    caseStatus: any\n    article: \"8.5\"\n\n  - id: handeling-bewaarplicht-opheffen", "    caseStatus: gesloten\n    article: \"8.5\"\n\n  - id: handeling-bewaarplicht-opheffen", "PL027", "unknown case status 'gesloten'; use open, closed or any", "caseStatus: gesloten" },
    };

    [Theory]
    [MemberData(nameof(UnsoundSets))]
    public void Unsound_policy_set_is_refused_with_file_line_and_column(string file, string find, string replace, string code, string message, string? line)
    {
        var (result, text) = ReferencePolicy.LoadEdited(file, t => t.Replace(find, replace, StringComparison.Ordinal));

        Assert.False(result.Succeeded);
        Assert.Null(result.Set);
        var error = Assert.Single(result.Errors, e => e.Code == code && e.Message.Contains(message, StringComparison.Ordinal));
        Assert.Equal(file, error.Position.File);
        Assert.True(error.Position.Column >= 1);
        if (line is not null)
        {
            var expectedLine = text.Split('\n').ToList().FindIndex(l => l.Contains(line, StringComparison.Ordinal)) + 1;
            Assert.Equal(expectedLine, error.Position.Line);
        }

        Assert.Matches($@"^{System.Text.RegularExpressions.Regex.Escape(file)}:\d+:\d+: error {code}: ", error.ToString());
    }

    [Fact]
    public void The_policy_set_says_which_purposes_need_a_justification_and_which_categories_are_special()
    {
        var engine = ReferencePolicy.Engine;
        var v = engine.Vocabulary;
        Assert.Equal(["acute-veiligheid"], v.Purposes.Names.Where(engine.RequiresJustification));
        Assert.False(engine.RequiresJustification("verkoop"));
        Assert.Equal("exceptioneel", v.Categories.Describe(engine.SpecialCategories));
        Assert.Equal(CategorySensitivity.Criminal, v.CategoryDefinitions[Index(v, "strafrechtelijk")].Sensitivity);
    }

    [Fact]
    public void A_fence_with_a_justification_makes_any_purpose_need_one_and_the_convenant_makes_any_category_special()
    {
        var policies = ReferencePolicy.Policies();
        var fences = policies.FindIndex(p => p.Path == "fences.yaml");
        policies[fences] = policies[fences] with
        {
            Text = policies[fences].Text + "\n  - id: hek-handhaving\n    purpose: strafrechtelijke-handhaving\n    categories: [statisch, dynamisch, exceptioneel, strafrechtelijk]\n    justification: required\n    article: \"3.5\"\n",
        };
        var convenant = ReferencePolicy.Convenant.Text.Replace(
            "dynamisch: { article: \"4.2\", sensitivity: persoonsgegevens }", "dynamisch: { article: \"4.2\", sensitivity: bijzondere-persoonsgegevens }", StringComparison.Ordinal);
        var result = PolicyLoader.Load(ReferencePolicy.Convenant with { Text = convenant }, policies);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var engine = PolicyEngine.Compile(result.Set!);
        var v = engine.Vocabulary;

        Assert.True(engine.RequiresJustification("strafrechtelijke-handhaving"));
        Assert.True(engine.RequiresJustification("acute-veiligheid"));
        Assert.Equal("dynamisch, exceptioneel", v.Categories.Describe(engine.SpecialCategories));
        var at = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        var without = DecisionInput.Decide(engine, "politie", "R", "uitvoering", "open", "strafrechtelijke-handhaving", null, at, null, null);
        Assert.Equal(0UL, without.Permitted);
        Assert.Equal("hek-handhaving", without.Rule.RuleId);
        var with = DecisionInput.Decide(engine, "politie", "R", "uitvoering", "open", "strafrechtelijke-handhaving", null, at, null, "Fictief: aanhouding");
        Assert.True(with.IsPermitted(Index(v, "strafrechtelijk")));
    }

    [Theory]
    [InlineData("sensitivity: bijzondere-persoonsgegevens }", "sensitivity: bijzondere-persoonsgegevenss }", "bijzondere-persoonsgegevenss", "did you mean 'bijzondere-persoonsgegevens'?")]
    [InlineData("sensitivity: persoonsgegevens }", "sensitivity: special }", "special", "use one of: persoonsgegevens, bijzondere-persoonsgegevens")]
    public void An_unknown_sensitivity_of_a_category_is_refused_at_its_position(string find, string replace, string value, string message)
    {
        var text = ReferencePolicy.Convenant.Text;
        var at = text.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0);
        var edited = string.Concat(text.AsSpan(0, at), replace, text.AsSpan(at + find.Length));

        var result = PolicyLoader.Load(ReferencePolicy.Convenant with { Text = edited }, ReferencePolicy.Policies());

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal("PL053", error.Code);
        Assert.Contains($"unknown sensitivity '{value}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        var lines = edited.Split('\n');
        var line = Array.FindIndex(lines, l => l.Contains(replace, StringComparison.Ordinal));
        Assert.Equal(("convenant.yaml", line + 1, lines[line].IndexOf(value, StringComparison.Ordinal) + 1), (error.Position.File, error.Position.Line, error.Position.Column));
    }

    [Fact]
    public void A_field_in_no_category_is_refused_at_the_field()
    {
        var (result, text) = ReferencePolicy.LoadEdited("fields.yaml", t =>
        {
            var at = t.IndexOf("    category: statisch\n", StringComparison.Ordinal);
            return t.Remove(at, "    category: statisch\n".Length);
        });

        var error = Assert.Single(result.Errors, e => e.Code == "PL042");
        Assert.Contains("is in no category", error.Message, StringComparison.Ordinal);
        Assert.Equal(text.Split('\n').ToList().FindIndex(l => l.Contains("- id: persoon.achternaam", StringComparison.Ordinal)) + 1, error.Position.Line);
    }

    [Fact]
    public void A_missing_fence_of_the_convenant_is_refused()
    {
        var (result, _) = ReferencePolicy.LoadEdited("fences.yaml", t =>
        {
            var start = t.IndexOf("  - id: hek-melder-identiteit", StringComparison.Ordinal);
            var end = t.IndexOf("  # Enough to find", StringComparison.Ordinal);
            return t.Remove(start, end - start);
        });

        Assert.Contains(result.Errors, e => e.Code == "PL065" && e.Message.Contains("'melder-identiteit' has no fence", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_is_reported_at_once_in_file_order()
    {
        var (result, _) = ReferencePolicy.LoadEdited("purposes.yaml", t => t
            .Replace("partners: [investigative]", "partners: [investigatve]", StringComparison.Ordinal)
            .Replace("scope: evaluation-record", "scope: record", StringComparison.Ordinal));

        Assert.True(result.Errors.Count >= 2);
        Assert.Equal(result.Errors.OrderBy(e => e.Position.Line), result.Errors.Where(e => e.Position.File == "purposes.yaml"));
    }

    [Fact]
    public void A_refused_set_never_replaces_the_one_in_force()
    {
        var holder = new PolicyHolder();
        Assert.True(holder.TryReplace(ReferencePolicy.Load()));
        var inForce = holder.Current.Set.ContentHash;

        var (refused, _) = ReferencePolicy.LoadEdited("fences.yaml", t => t.Replace("partners: [veilig-thuis]", "partners: [veilig-thuis, gemeente]", StringComparison.Ordinal));
        Assert.False(holder.TryReplace(refused));
        Assert.Equal(inForce, holder.Current.Set.ContentHash);
    }

    [Fact]
    public void Convenant_errors_name_the_convenant_file()
    {
        var convenant = ReferencePolicy.Convenant;
        var broken = convenant with { Text = convenant.Text.Replace("  kmar: { name: Koninklijke Marechaussee, groups: [shell, investigative] }", "  kmar: { name: Koninklijke Marechaussee, groups: [shell, investigatief] }", StringComparison.Ordinal) };
        var result = PolicyLoader.Load(broken, ReferencePolicy.Policies());

        var error = Assert.Single(result.Errors);
        Assert.Equal("convenant.yaml", error.Position.File);
        Assert.Contains("unknown group 'investigatief'", error.Message, StringComparison.Ordinal);
    }

    private static int Index(Vocabulary v, string category) => v.Categories.TryGetIndex(category, out var i) ? i : throw new ArgumentException(category);

    [Theory]
    [InlineData("flow sequence")]
    [InlineData("flow mapping")]
    [InlineData("block sequence")]
    public void A_file_nested_a_hundred_thousand_deep_is_refused_at_the_first_level_past_the_limit(string style)
    {
        const int depth = 100_000;
        var (text, column) = style switch
        {
            "flow sequence" => (new string('[', depth) + new string(']', depth), PolicyLimits.MaxDepth + 1),
            "flow mapping" => (string.Concat(Enumerable.Repeat("{a: ", depth)) + "x" + new string('}', depth), (4 * PolicyLimits.MaxDepth) + 1),
            _ => (string.Concat(Enumerable.Repeat("- ", depth)) + "x", (2 * PolicyLimits.MaxDepth) + 1),
        };
        var policies = ReferencePolicy.Policies();
        policies.Add(new PolicySource("nested.yaml", "# deeply nested\n" + text + "\n"));

        var result = PolicyLoader.Load(ReferencePolicy.Convenant, policies);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal("PL006", error.Code);
        Assert.Equal(new SourcePosition("nested.yaml", 2, column), error.Position);
        Assert.StartsWith($"nested.yaml:2:{column}: error PL006: collections are nested more than {PolicyLimits.MaxDepth} deep", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_nested_to_the_limit_is_read()
    {
        var text = "purposes: []\nextra: " + new string('[', PolicyLimits.MaxDepth - 1) + new string(']', PolicyLimits.MaxDepth - 1) + "\n";
        var diagnostics = new PolicyDiagnostics();

        Assert.NotNull(YamlTree.Parse("deep.yaml", text, diagnostics));
        Assert.False(diagnostics.HasErrors, string.Join("\n", diagnostics.Errors));
    }

    [Fact]
    public void A_policy_file_over_the_size_limit_is_refused_before_it_is_read()
    {
        var oversized = "# " + new string('x', (int)PolicyLimits.MaxFileBytes) + "\npurposes: []\n";
        var policies = ReferencePolicy.Policies();
        policies.Add(new PolicySource("large.yaml", oversized));
        var inMemory = PolicyLoader.Load(ReferencePolicy.Convenant, policies);
        var error = Assert.Single(inMemory.Errors);
        Assert.Equal("large.yaml:1:1", error.Position.ToString());
        Assert.Equal("PL007", error.Code);

        var folder = TestRun.CreateTempSubdirectory("infodeel-policies-");
        try
        {
            foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Policies, "*.yaml"))
            {
                File.Copy(file, Path.Combine(folder.FullName, Path.GetFileName(file)));
            }

            File.WriteAllText(Path.Combine(folder.FullName, "large.yaml"), oversized);
            var onDisk = PolicyLoader.LoadFiles(RepositoryPaths.Convenant, folder.FullName);

            Assert.False(onDisk.Succeeded);
            error = Assert.Single(onDisk.Errors);
            Assert.Equal("PL007", error.Code);
            Assert.Equal("large.yaml", Path.GetFileName(error.Position.File));
            Assert.Equal((1, 1), (error.Position.Line, error.Position.Column));
            Assert.Contains($"at most {PolicyLimits.MaxFileBytes} bytes", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_set_over_the_size_limit_is_refused()
    {
        var policies = ReferencePolicy.Policies();
        var filler = "# " + new string('x', (int)PolicyLimits.MaxFileBytes - 16) + "\n";
        for (var i = 0; i < 9; i++)
        {
            policies.Add(new PolicySource($"filler-{i}.yaml", filler));
        }

        var result = PolicyLoader.Load(ReferencePolicy.Convenant, policies);

        var error = Assert.Single(result.Errors);
        Assert.Equal("PL008", error.Code);
        Assert.Equal("convenant.yaml:1:1", error.Position.ToString());
    }
}
