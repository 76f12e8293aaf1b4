using System.Text;
using System.Text.RegularExpressions;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Policy.Loading;
using Informatiedeling.Policy.Testing;
using Informatiedeling.Policy.Yaml;

namespace Informatiedeling.Hub.PolicyAdministration;

/// <summary>One problem of a proposal, where it is: the file as the proposal names it, line and column (1-based), the code and what to do.</summary>
public sealed record ProposalProblem(string File, int Line, int Column, string Code, string Message);

/// <summary>The outcome of validating a proposal's files: the set they load to and the tests passed, or every problem.</summary>
internal sealed record ValidatedProposal(PolicySet? Set, IReadOnlyList<ProposalProblem> Problems, int TestsPassed)
{
    public bool Succeeded => Set is not null && Problems.Count == 0;
}

/// <summary>
/// Validates the files of a proposal as the hub would load them, under the hub's own convenant: names, sizes, the loader
/// (YAML, depth, unknown keys, the convenant's bounds) with file, line and column, then the policy tests, which must all
/// pass with every decision rule covered. A proposal never changes the convenant, which the partners signed.
/// </summary>
internal static partial class ProposalValidation
{
    /// <summary>The most files a proposal holds (the reference set has 7 policy files and 10 test files).</summary>
    public const int MaxFiles = 64;

    public static ValidatedProposal Validate(PolicySource convenant, IReadOnlyDictionary<string, string> files)
    {
        var problems = new List<ProposalProblem>();
        if (files.Count > MaxFiles)
        {
            problems.Add(new("(proposal)", 1, 1, "PA001", $"a proposal holds at most {MaxFiles} files; it has {files.Count}"));
        }

        foreach (var (name, text) in files)
        {
            var shown = Shown(name);
            if (name == PolicyLoader.ConvenantFileName)
            {
                problems.Add(new(shown, 1, 1, "PA002", "the convenant is not part of a proposal: the partners signed it, and the hub's copy is used"));
            }
            else if (!FileName().IsMatch(name))
            {
                problems.Add(new(shown, 1, 1, "PA003", "a file is named like 'purposes.yaml' or, for a policy test, 'tests/roles.yaml': lower case letters, digits and hyphens"));
            }
            else if (Encoding.UTF8.GetByteCount(text) > PolicyLimits.MaxFileBytes)
            {
                problems.Add(new(shown, 1, 1, "PL007", $"the file is larger than {PolicyLimits.MaxFileBytes} bytes (1 MiB)"));
            }
        }

        var policies = files.Where(f => !IsTest(f.Key)).OrderBy(f => f.Key, StringComparer.Ordinal).ToList();
        var tests = files.Where(f => IsTest(f.Key)).OrderBy(f => f.Key, StringComparer.Ordinal).ToList();
        if (policies.Count == 0)
        {
            problems.Add(new("(proposal)", 1, 1, "PA004", "a proposal holds the policy files of a whole set"));
        }

        if (problems.Count > 0)
        {
            return new(null, problems, 0);
        }

        var loaded = PolicyLoader.Load(convenant, [.. policies.Select(f => new PolicySource(f.Key, f.Value))]);
        if (loaded.Set is null)
        {
            return new(null, [.. loaded.Errors.Select(e => new ProposalProblem(e.Position.File, e.Position.Line, e.Position.Column, e.Code, e.Message))], 0);
        }

        var report = PolicyTestRunner.Run(PolicyEngine.Compile(loaded.Set), [.. tests.Select(f => (f.Key, f.Value))]);
        problems.AddRange(report.Failures.Select(f => new ProposalProblem(f.Position.File, f.Position.Line, f.Position.Column, "PT001", $"test '{f.Test}' fails: {f.Message}")));
        problems.AddRange(report.UncoveredRules.Select(rule => new ProposalProblem("tests/", 1, 1, "PT002", $"rule '{rule}' decides no test; add a test for it")));
        if (report.Passed == 0 && report.Failures.Count == 0)
        {
            problems.Add(new("tests/", 1, 1, "PT003", "a proposal holds its policy tests (tests/*.yaml), and at least one must pass"));
        }

        return problems.Count > 0 ? new(null, problems, report.Passed) : new(loaded.Set, [], report.Passed);
    }

    public static bool IsTest(string name) => name.StartsWith(Policy.TestFiles.Folder, StringComparison.Ordinal);

    /// <summary>A name as a problem may echo it: printable, and cut short.</summary>
    private static string Shown(string name) => Access.Problems.Printable(name);

    [GeneratedRegex("^(tests/)?[a-z0-9][a-z0-9-]{0,62}\\.yaml$", RegexOptions.CultureInvariant)]
    private static partial Regex FileName();
}
