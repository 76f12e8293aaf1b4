using Informatiedeling.Testing;

namespace Informatiedeling.Cli.Tests;

/// <summary><c>infodeel policy lint</c> and <c>infodeel policy test</c> on the reference set and on broken copies.</summary>
public sealed class PolicyLintAndTestTests
{
    [Fact]
    public async Task Lint_accepts_the_reference_set()
    {
        var result = await Infodeel.RunAsync("", Infodeel.WithReferencePolicies("policy", "lint"));
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("ok: policy set ", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lint_refuses_a_broken_set_naming_file_line_and_column()
    {
        var policies = CopyPolicies();
        var purposes = Path.Combine(policies, "purposes.yaml");
        File.WriteAllText(purposes, File.ReadAllText(purposes).Replace("partners: [investigative]", "partners: [investigativ]", StringComparison.Ordinal));

        var result = await Infodeel.RunAsync("", "policy", "lint", "--policies", policies, "--convenant", RepositoryPaths.Convenant);

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"purposes\.yaml:\d+:\d+: error PL024: unknown partner 'investigativ'; did you mean 'investigative'\?", result.Error);
        Assert.Contains("policy set refused: 1 error(s)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_tests_of_the_reference_set_all_pass_and_cover_every_rule()
    {
        var result = await Infodeel.RunAsync("", Infodeel.WithReferencePolicies("policy", "test"));

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.DoesNotContain("UNCOVERED", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"policy: \d{2,} passed, 0 failed", result.Output);
    }

    [Fact]
    public async Task A_wrong_expectation_fails_at_its_line_and_missing_coverage_is_reported()
    {
        var policies = CopyPolicies();
        var tests = Directory.CreateDirectory(Path.Combine(policies, "tests")).FullName;
        File.WriteAllText(Path.Combine(tests, "one.yaml"), """
            tests:
              - name: zorgcoordinatie krijgt strafrechtelijk (fout verwacht)
                request: { partner: zorgcoordinatie, role: R, step: uitvoering, caseStatus: open, purpose: zorgcoordinatie, categories: [strafrechtelijk] }
                expect: { permit: [strafrechtelijk], deny: [] }
            """);

        var result = await Infodeel.RunAsync("", "policy", "test", "--policies", policies, "--convenant", RepositoryPaths.Convenant);

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"one\.yaml:2:5: FAIL zorgcoordinatie krijgt strafrechtelijk \(fout verwacht\): 'strafrechtelijk': expected permit, got deny", result.Output);
        Assert.Contains("UNCOVERED rule 'hek-melder-identiteit'", result.Output, StringComparison.Ordinal);
        Assert.Contains("policy: 0 passed, 1 failed", result.Output, StringComparison.Ordinal);
    }

    private static string CopyPolicies()
    {
        var policies = TestRun.CreateTempSubdirectory("infodeel-policies-").FullName;
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Policies, "*.yaml"))
        {
            File.Copy(file, Path.Combine(policies, Path.GetFileName(file)));
        }

        return policies;
    }
}
