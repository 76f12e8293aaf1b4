using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Policy.Loading;
using Informatiedeling.Testing;

namespace Informatiedeling.Domain.Tests.Policy;

/// <summary>The reference convenant and policy set of this checkout, loaded once, and edited copies of it.</summary>
internal static class ReferencePolicy
{
    private static readonly Lazy<PolicyEngine> LazyEngine = new(() =>
    {
        var result = Load();
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return PolicyEngine.Compile(result.Set!);
    });

    public static PolicyEngine Engine => LazyEngine.Value;

    public static PolicySource Convenant => new("convenant.yaml", File.ReadAllText(RepositoryPaths.Convenant));

    public static List<PolicySource> Policies() =>
        [.. Directory.EnumerateFiles(RepositoryPaths.Policies, "*.yaml").Order(StringComparer.Ordinal)
            .Select(f => new PolicySource(Path.GetFileName(f), File.ReadAllText(f)))];

    public static PolicyLoadResult Load() => PolicyLoader.Load(Convenant, Policies());

    /// <summary>Loads the reference set with one policy file's text replaced by <paramref name="edit"/>.</summary>
    public static (PolicyLoadResult Result, string EditedText) LoadEdited(string file, Func<string, string> edit)
    {
        var policies = Policies();
        var index = policies.FindIndex(p => p.Path == file);
        Assert.True(index >= 0, $"no policy file {file}");
        var edited = edit(policies[index].Text);
        Assert.NotEqual(policies[index].Text, edited);
        policies[index] = policies[index] with { Text = edited };
        return (PolicyLoader.Load(Convenant, policies), edited);
    }
}
