namespace Informatiedeling.Policy.Yaml;

/// <summary>Typed access to a positioned YAML tree. Every mistake becomes a diagnostic at the node that has it.</summary>
internal sealed class NodeReader(PolicyDiagnostics diagnostics)
{
    public PolicyDiagnostics Diagnostics => diagnostics;

    public YamlMappingNode? Mapping(YamlNodeWithPosition? node, SourcePosition parent, string what)
    {
        if (node is YamlMappingNode map)
        {
            return map;
        }

        diagnostics.Error(node?.Position ?? parent, "PL010", $"{what} must be a mapping of 'key: value' lines");
        return null;
    }

    public IReadOnlyList<YamlNodeWithPosition> Sequence(YamlNodeWithPosition? node, SourcePosition parent, string what)
    {
        if (node is YamlSequenceNode seq)
        {
            return seq.Items;
        }

        diagnostics.Error(node?.Position ?? parent, "PL011", $"{what} must be a list ('- item' lines or [a, b])");
        return [];
    }

    /// <summary>Reports keys that are not in <paramref name="allowed"/>, with the nearest allowed one as a hint.</summary>
    public void OnlyKeys(YamlMappingNode map, string what, params string[] allowed)
    {
        foreach (var (key, _) in map.Entries)
        {
            if (Array.IndexOf(allowed, key.Value) < 0)
            {
                diagnostics.Error(key.Position, "PL012", $"unknown key '{key.Value}' in {what}{Suggest.DidYouMean(key.Value, allowed)}; allowed keys: {string.Join(", ", allowed)}");
            }
        }
    }

    public YamlScalarNode? Scalar(YamlMappingNode map, string key, string what, bool required = true)
    {
        var node = map[key];
        if (node is null)
        {
            if (required)
            {
                diagnostics.Error(map.Position, "PL013", $"{what} needs '{key}'");
            }

            return null;
        }

        if (node is YamlScalarNode { IsNull: false } scalar)
        {
            return scalar;
        }

        diagnostics.Error(node.Position, "PL014", $"'{key}' of {what} must be a single value");
        return null;
    }

    public IReadOnlyList<YamlScalarNode>? ScalarList(YamlMappingNode map, string key, string what, bool required = true)
    {
        var node = map[key];
        if (node is null)
        {
            if (required)
            {
                diagnostics.Error(map.Position, "PL013", $"{what} needs '{key}' (a list; [] for none)");
            }

            return null;
        }

        var result = new List<YamlScalarNode>();
        foreach (var item in Sequence(node, map.Position, $"'{key}' of {what}"))
        {
            if (item is YamlScalarNode { IsNull: false } scalar)
            {
                result.Add(scalar);
            }
            else
            {
                diagnostics.Error(item.Position, "PL014", $"every item of '{key}' in {what} must be a single value");
            }
        }

        return result;
    }

    public int? Integer(YamlMappingNode map, string key, string what, int min, int max)
    {
        var scalar = Scalar(map, key, what);
        if (scalar is null)
        {
            return null;
        }

        if (int.TryParse(scalar.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            && value >= min && value <= max)
        {
            return value;
        }

        diagnostics.Error(scalar.Position, "PL015", $"'{key}' of {what} must be a whole number from {min} to {max}, not '{scalar.Value}'");
        return null;
    }

    public bool? Boolean(YamlMappingNode map, string key, string what)
    {
        var scalar = Scalar(map, key, what, required: false);
        switch (scalar?.Value)
        {
            case null: return null;
            case "true": return true;
            case "false": return false;
            default:
                diagnostics.Error(scalar.Position, "PL016", $"'{key}' of {what} must be true or false, not '{scalar.Value}'");
                return null;
        }
    }
}

/// <summary>Suggestions for misspelled words.</summary>
public static class Suggest
{
    /// <summary>"; did you mean 'x'?" when a candidate is close to <paramref name="word"/>, else empty.</summary>
    public static string DidYouMean(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(word, candidate);
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best is not null && bestDistance <= Math.Max(2, word.Length / 3) ? $"; did you mean '{best}'?" : "";
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
