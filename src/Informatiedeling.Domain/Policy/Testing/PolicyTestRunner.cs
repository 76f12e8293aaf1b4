using System.Collections.Immutable;
using System.Globalization;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Policy.Loading;
using Informatiedeling.Policy.Yaml;

namespace Informatiedeling.Policy.Testing;

/// <summary>One failed expectation, at the test that holds it.</summary>
public sealed record PolicyTestFailure(SourcePosition Position, string Test, string Message)
{
    public override string ToString() => $"{Position}: FAIL {Test}: {Message}";
}

/// <summary>The result of a run: passes, failures, and the decision rules no test exercised.</summary>
public sealed record PolicyTestReport(int Passed, IReadOnlyList<PolicyTestFailure> Failures, IReadOnlyList<string> UncoveredRules)
{
    public bool Succeeded => Failures.Count == 0 && UncoveredRules.Count == 0 && Passed > 0;
}

/// <summary>
/// Runs policy tests in the manner of <c>opa test</c>: YAML files of requests with their expected decisions.
/// Besides the expectations it checks coverage: every decision rule of the set must decide at least one test.
/// </summary>
public static class PolicyTestRunner
{
    /// <summary>The moment a test request is made unless it says <c>at</c>.</summary>
    public static readonly DateTimeOffset DefaultAt = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private static readonly string[] TestKeys = ["name", "request", "expect"];
    private static readonly string[] RequestKeys = ["partner", "role", "step", "caseStatus", "purpose", "action", "categories", "at", "invitedUntil", "justification"];
    private static readonly string[] ExpectKeys = ["permit", "deny", "rule", "because", "obligations", "hidden", "released", "allowed"];

    public static PolicyTestReport RunFiles(PolicyEngine engine, string directory)
    {
        var sources = Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "*.yaml").Order(StringComparer.Ordinal).Select(f => (PolicyLoader.Display(f), File.ReadAllText(f))).ToList()
            : [];
        return Run(engine, sources);
    }

    public static PolicyTestReport Run(PolicyEngine engine, IReadOnlyList<(string Path, string Text)> sources)
    {
        var failures = new List<PolicyTestFailure>();
        var covered = new HashSet<string>(StringComparer.Ordinal);
        var passed = 0;
        foreach (var (path, text) in sources)
        {
            var diagnostics = new PolicyDiagnostics();
            var reader = new NodeReader(diagnostics);
            var root = reader.Mapping(YamlTree.Parse(path, text, diagnostics), new SourcePosition(path, 1, 1), "a policy test file");
            var tests = root is null ? [] : reader.Sequence(root["tests"], root.Position, "'tests'");
            foreach (var item in tests)
            {
                var test = reader.Mapping(item, item.Position, "a test");
                if (test is null)
                {
                    continue;
                }

                var before = diagnostics.Errors.Count;
                var failure = RunOne(engine, reader, test, covered);
                if (diagnostics.Errors.Count > before)
                {
                    continue;
                }

                if (failure is null)
                {
                    passed++;
                }
                else
                {
                    failures.Add(failure);
                }
            }

            failures.AddRange(diagnostics.Errors.Select(e => new PolicyTestFailure(e.Position, "(test file)", $"{e.Code}: {e.Message}")));
        }

        var uncovered = DecisionRuleIds(engine.Set).Where(id => !covered.Contains(id)).ToList();
        return new PolicyTestReport(passed, failures, uncovered);
    }

    /// <summary>Every rule that can decide a request: the ones a complete test suite must exercise.</summary>
    public static IReadOnlyList<string> DecisionRuleIds(PolicySet set) =>
    [
        "onbekend", "geen-rol", "uitnodiging",
        .. set.Rules.Purposes.Select(r => r.Rule.Id),
        .. set.Rules.RoleViews.Select(r => r.Rule.Id),
        .. set.Rules.CategoryFences.Select(r => r.Rule.Id),
        .. set.Rules.PurposeFences.Select(r => r.Rule.Id),
        .. set.Rules.StatusFences.Select(r => r.Rule.Id),
        .. set.Rules.Actions.Select(r => r.Rule.Id),
        "dossier-gesloten",
    ];

    private static PolicyTestFailure? RunOne(PolicyEngine engine, NodeReader reader, YamlMappingNode test, HashSet<string> covered)
    {
        reader.OnlyKeys(test, "a test", TestKeys);
        var name = reader.Scalar(test, "name", "a test")?.Value ?? $"test at line {test.Position.Line}";
        var request = reader.Mapping(test["request"], test.Position, $"request of '{name}'");
        var expect = reader.Mapping(test["expect"], test.Position, $"expect of '{name}'");
        if (request is null || expect is null)
        {
            return null;
        }

        reader.OnlyKeys(request, $"request of '{name}'", RequestKeys);
        reader.OnlyKeys(expect, $"expect of '{name}'", ExpectKeys);
        if (request["action"] is not null)
        {
            return RunAction(engine, reader, request, expect, name, test, covered);
        }

        var decision = Decide(engine, reader, request, name, out var categoryNames);
        if (decision is null)
        {
            return null;
        }

        var d = decision.Value;
        var v = engine.Vocabulary;
        covered.Add(d.Rule.RuleId);
        for (var c = 0; c < v.Categories.Count; c++)
        {
            if ((d.Requested & (1UL << c)) != 0)
            {
                covered.Add(d.ExplanationFor(c).RuleId);
            }
        }

        var problems = new List<string>();
        var permit = Names(reader, expect, "permit", name);
        var deny = Names(reader, expect, "deny", name);
        foreach (var category in categoryNames)
        {
            var index = v.Categories.TryGetIndex(category, out var i) ? i : -1;
            var actual = index >= 0 && d.IsPermitted(index) ? "permit" : "deny";
            var expected = permit.Contains(category) ? "permit" : deny.Contains(category) ? "deny" : null;
            if (expected is null)
            {
                problems.Add($"'{category}' is requested but in neither 'permit' nor 'deny'");
            }
            else if (expected != actual)
            {
                var why = index >= 0 ? d.ExplanationFor(index) : d.Rule;
                problems.Add($"'{category}': expected {expected}, got {actual} ({d.Describe(why)}; {why.RuleId}, art. {why.Article})");
            }
        }

        foreach (var extra in permit.Concat(deny).Where(c => !categoryNames.Contains(c)))
        {
            problems.Add($"'{extra}' is expected but not requested");
        }

        if (reader.Scalar(expect, "rule", name, required: false) is { } rule && rule.Value != d.Rule.RuleId)
        {
            problems.Add($"rule: expected '{rule.Value}', got '{d.Rule.RuleId}' ({d.Describe(d.Rule)})");
        }

        if (expect["because"] is not null && reader.Mapping(expect["because"], expect.Position, "'because'") is { } because)
        {
            foreach (var (key, value) in because.Entries)
            {
                var got = v.Categories.TryGetIndex(key.Value, out var i) ? d.ExplanationFor(i).RuleId : d.Rule.RuleId;
                if (value is YamlScalarNode s && s.Value != got)
                {
                    problems.Add($"because of '{key.Value}': expected rule '{s.Value}', got '{got}'");
                }
            }
        }

        if (expect["obligations"] is not null)
        {
            var expected = Names(reader, expect, "obligations", name).Contains("review");
            if (expected != d.Obligations.HasFlag(Obligations.Review))
            {
                problems.Add($"obligations: expected {(expected ? "[review]" : "[]")}, got {(d.Obligations.HasFlag(Obligations.Review) ? "[review]" : "[]")}");
            }
        }

        if (reader.Boolean(expect, "hidden", name) is { } hidden && hidden != d.CaseHidden)
        {
            problems.Add($"hidden: expected {hidden}, got {d.CaseHidden}");
        }

        if (reader.Boolean(expect, "released", name) is { } released && released != d.ScopeReleased)
        {
            problems.Add($"released (evaluation record or aggregate): expected {released}, got {d.ScopeReleased}");
        }

        return problems.Count == 0 ? null : new PolicyTestFailure(test.Position, name, string.Join("; ", problems));
    }

    private static PolicyTestFailure? RunAction(
        PolicyEngine engine, NodeReader reader, YamlMappingNode request, YamlMappingNode expect, string name, YamlMappingNode test, HashSet<string> covered)
    {
        var what = $"request of '{name}'";
        var partner = reader.Scalar(request, "partner", what)?.Value;
        var action = reader.Scalar(request, "action", what)?.Value;
        var step = reader.Scalar(request, "step", what)?.Value;
        var status = reader.Scalar(request, "caseStatus", what)?.Value;
        var roleText = reader.Scalar(request, "role", what, required: false)?.Value;
        var at = Instant(reader, request, "at", what) ?? DefaultAt;
        var invitedUntil = Instant(reader, request, "invitedUntil", what);
        var allowed = reader.Boolean(expect, "allowed", name);
        if (allowed is null)
        {
            reader.Diagnostics.Error(expect.Position, "PT002", $"an action test needs 'allowed: true' or 'allowed: false'");
        }

        if (partner is null || action is null || step is null || status is null || allowed is null)
        {
            return null;
        }

        PartnerId.TryParse(partner, out var partnerId);
        StepId.TryParse(step, out var stepId);
        Role? role = roleText is not null && Roles.TryParse(roleText, out var r) ? r : null;
        var decision = engine.DecideAction(partnerId, role, stepId, status == "closed" ? CaseStatus.Closed : CaseStatus.Open, action, at, invitedUntil);
        covered.Add(decision.Rule.RuleId);
        var problems = new List<string>();
        if (decision.Permitted != allowed)
        {
            problems.Add($"expected {(allowed.Value ? "allowed" : "refused")}, got {(decision.Permitted ? "allowed" : "refused")} ({decision.Describe()}; {decision.Rule.RuleId}, art. {decision.Rule.Article})");
        }

        if (reader.Scalar(expect, "rule", name, required: false) is { } rule && rule.Value != decision.Rule.RuleId)
        {
            problems.Add($"rule: expected '{rule.Value}', got '{decision.Rule.RuleId}'");
        }

        if (reader.Boolean(expect, "hidden", name) is { } hidden && hidden != decision.CaseHidden)
        {
            problems.Add($"hidden: expected {hidden}, got {decision.CaseHidden}");
        }

        return problems.Count == 0 ? null : new PolicyTestFailure(test.Position, name, string.Join("; ", problems));
    }

    private static Decision? Decide(PolicyEngine engine, NodeReader reader, YamlMappingNode request, string name, out List<string> categories)
    {
        var what = $"request of '{name}'";
        categories = reader.ScalarList(request, "categories", what, required: false)?.Select(s => s.Value).ToList()
            ?? [.. engine.Vocabulary.Categories.Names];
        var partner = reader.Scalar(request, "partner", what)?.Value;
        var purpose = reader.Scalar(request, "purpose", what)?.Value;
        var status = reader.Scalar(request, "caseStatus", what)?.Value;
        var step = reader.Scalar(request, "step", what, required: false)?.Value;
        var roleText = reader.Scalar(request, "role", what, required: false)?.Value;
        var at = Instant(reader, request, "at", what) ?? DefaultAt;
        var invitedUntil = Instant(reader, request, "invitedUntil", what);
        var justification = reader.Scalar(request, "justification", what, required: false)?.Value;
        if (partner is null || purpose is null || status is null)
        {
            return null;
        }

        return DecisionInput.Decide(engine, partner, roleText, step, status, purpose, categories, at, invitedUntil, justification);
    }

    private static DateTimeOffset? Instant(NodeReader reader, YamlMappingNode map, string key, string what)
    {
        var scalar = reader.Scalar(map, key, what, required: false);
        if (scalar is null)
        {
            return null;
        }

        if (DecisionInput.TryParseInstant(scalar.Value, out var value))
        {
            return value;
        }

        reader.Diagnostics.Error(scalar.Position, "PT001", $"'{key}' must be an ISO 8601 date or date-time, not '{scalar.Value}'");
        return null;
    }

    private static ImmutableHashSet<string> Names(NodeReader reader, YamlMappingNode map, string key, string name) =>
        (reader.ScalarList(map, key, $"expect of '{name}'", required: false) ?? []).Select(s => s.Value).ToImmutableHashSet(StringComparer.Ordinal);
}
