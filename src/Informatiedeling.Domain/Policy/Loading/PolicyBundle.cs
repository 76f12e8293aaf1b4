using System.Text.Json;

namespace Informatiedeling.Policy.Loading;

/// <summary>
/// A stored policy version's canonical bundle (<see cref="PolicySet.Bundle"/>) read back: its files, and the set
/// they load to, with the same content hash as when it was stored.
/// </summary>
public static class PolicyBundle
{
    /// <summary>The files of <paramref name="bundle"/>, by file name, the convenant included as <see cref="PolicyLoader.ConvenantFileName"/>.</summary>
    /// <exception cref="FormatException">The text is not a bundle.</exception>
    public static IReadOnlyDictionary<string, string> Files(string bundle)
    {
        try
        {
            using var document = JsonDocument.Parse(bundle);
            var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var file in document.RootElement.GetProperty("files").EnumerateObject())
            {
                files[file.Name] = file.Value.GetString() ?? throw new FormatException("A file of the bundle is not a string.");
            }

            return files;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException("The text is not a policy bundle.", e);
        }
    }

    /// <summary>Loads the set of <paramref name="bundle"/>: the convenant it holds and its policy files.</summary>
    public static PolicyLoadResult Load(string bundle)
    {
        var files = Files(bundle);
        if (!files.TryGetValue(PolicyLoader.ConvenantFileName, out var convenant))
        {
            throw new FormatException("The bundle holds no convenant.");
        }

        return PolicyLoader.Load(
            new PolicySource(PolicyLoader.ConvenantFileName, convenant),
            [.. files.Where(f => f.Key != PolicyLoader.ConvenantFileName).Select(f => new PolicySource(f.Key, f.Value))]);
    }
}
