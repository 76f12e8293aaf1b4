using System.CommandLine;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Policy.Loading;
using Informatiedeling.Policy.Testing;

namespace Informatiedeling.Cli.Policy;

/// <summary><c>infodeel policy lint | test | decide | pull | push</c>.</summary>
internal static class PolicyCommands
{
    public static Command Create(TextReader input, TextWriter output, TextWriter error, Func<string, string?> environment)
    {
        var location = new PolicyLocation();

        var lint = new Command("lint", "Validate the convenant and policy files; every problem with file, line and column.");
        location.AddTo(lint);
        lint.SetAction(async (parse, ct) =>
        {
            var (convenant, policies) = location.Resolve(parse);
            var result = PolicyLoader.LoadFiles(convenant, policies);
            if (!result.Succeeded)
            {
                return await Refused(result, error);
            }

            var set = result.Set!;
            await output.WriteLineAsync(
                $"ok: policy set {set.ContentHash[..12]} (convenant {set.Vocabulary.ConvenantId} {set.Vocabulary.ConvenantVersion}): " +
                $"{set.Rules.Purposes.Length} purpose rules, {set.Rules.RoleViews.Length} role views, " +
                $"{set.Rules.CategoryFences.Length + set.Rules.PurposeFences.Length + set.Rules.StatusFences.Length} fences, " +
                $"{set.Rules.Retention.Length} retention periods, {set.Fields.Length} fields");
            return 0;
        });

        var test = new Command("test", "Run the policy tests in <policies>/tests/*.yaml and check that every decision rule is covered.");
        location.AddTo(test);
        test.SetAction(async (parse, ct) =>
        {
            var (convenant, policies) = location.Resolve(parse);
            var result = PolicyLoader.LoadFiles(convenant, policies);
            if (!result.Succeeded)
            {
                return await Refused(result, error);
            }

            var report = PolicyTestRunner.RunFiles(PolicyEngine.Compile(result.Set!), Path.Combine(policies, "tests"));
            foreach (var failure in report.Failures)
            {
                await output.WriteLineAsync(failure.ToString());
            }

            foreach (var rule in report.UncoveredRules)
            {
                await output.WriteLineAsync($"UNCOVERED rule '{rule}': no test is decided by it; add one");
            }

            await output.WriteLineAsync($"policy: {report.Passed} passed, {report.Failures.Count} failed");
            return report.Succeeded ? 0 : 1;
        });

        var decide = new Command("decide", "Decide JSON-line requests from standard input; one JSON line per request on standard output.");
        location.AddTo(decide);
        decide.SetAction(async (parse, ct) =>
        {
            var (convenant, policies) = location.Resolve(parse);
            var result = PolicyLoader.LoadFiles(convenant, policies);
            if (!result.Succeeded)
            {
                return await Refused(result, error);
            }

            return await DecideLines.RunAsync(PolicyEngine.Compile(result.Set!), input, output, ct);
        });

        return new Command("policy", "The sharing rules: lint, test, decide; pull a version from the hub and push a folder back as a proposal.")
        {
            lint, test, decide, Hub.PolicyHubCommands.Pull(output, error, environment), Hub.PolicyHubCommands.Push(output, error, environment),
        };
    }

    private static async Task<int> Refused(PolicyLoadResult result, TextWriter error)
    {
        foreach (var problem in result.Errors)
        {
            await error.WriteLineAsync(problem.ToString());
        }

        await error.WriteLineAsync($"policy set refused: {result.Errors.Count} error(s)");
        return 1;
    }
}
