using System.Text.Json;
using Informatiedeling.Policy.Yaml;

namespace Informatiedeling.Policy.Loading;

/// <summary>
/// A policy set loaded back from its canonical bundle (<see cref="PolicySet.Bundle"/>, as the policy versions keep it):
/// the <c>convenant.yaml</c> entry as the convenant, every other entry as a policy file. The same bundle gives the same
/// set and so the same <see cref="PolicySet.ContentHash"/>.
/// </summary>
public static class PolicyBundle
{
    /// <summary>The set of <paramref name="bundle"/>; errors (no diagnostics of the set's own) when it is not a bundle.</summary>
    public static PolicyLoadResult Load(string bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var position = new SourcePosition("bundle", 1, 1);
        PolicySource? convenant = null;
        var policies = new List<PolicySource>();
        try
        {
            using var document = JsonDocument.Parse(bundle);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("files", out var files) || files.ValueKind != JsonValueKind.Object)
            {
                return Failed(position, "the bundle has no object of files");
            }

            foreach (var file in files.EnumerateObject())
            {
                if (file.Value.ValueKind != JsonValueKind.String)
                {
                    return Failed(position, "a file of the bundle is not text");
                }

                var source = new PolicySource(file.Name, file.Value.GetString()!);
                if (string.Equals(file.Name, PolicyLoader.ConvenantFileName, StringComparison.Ordinal))
                {
                    convenant = source;
                }
                else
                {
                    policies.Add(source);
                }
            }
        }
        catch (JsonException)
        {
            return Failed(position, "the bundle is not JSON");
        }

        return convenant is null
            ? Failed(position, $"the bundle holds no {PolicyLoader.ConvenantFileName}")
            : PolicyLoader.Load(convenant, policies);
    }

    /// <summary>The files of <paramref name="bundle"/> by file name, the convenant included as <see cref="PolicyLoader.ConvenantFileName"/>.</summary>
    /// <exception cref="FormatException">The text is not a bundle.</exception>
    public static IReadOnlyDictionary<string, string> Files(string bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        try
        {
            using var document = JsonDocument.Parse(bundle);
            var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var file in document.RootElement.GetProperty("files").EnumerateObject())
            {
                files[file.Name] = file.Value.GetString() ?? throw new FormatException("A file of the bundle is not text.");
            }

            return files;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException("The text is not a policy bundle.", e);
        }
    }

    private static PolicyLoadResult Failed(SourcePosition position, string message)
    {
        var diagnostics = new PolicyDiagnostics();
        diagnostics.Error(position, "PL095", message);
        return new PolicyLoadResult(null, diagnostics.Errors);
    }
}
