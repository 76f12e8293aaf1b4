using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Informatiedeling.Policy.Yaml;

namespace Informatiedeling.Policy.Loading;

/// <summary>A policy or convenant file: the name to show in messages and its text.</summary>
public sealed record PolicySource(string Path, string Text);

/// <summary>The outcome of a load: a sound policy set, or every reason it is not one.</summary>
public sealed record PolicyLoadResult(PolicySet? Set, IReadOnlyList<PolicyDiagnostic> Errors)
{
    public bool Succeeded => Set is not null;
}

/// <summary>
/// Loads the convenant and the policy files, validates them together and returns a policy set only when it is
/// sound. It never returns a partial set: a caller keeps the set in force when a load fails.
/// </summary>
public static class PolicyLoader
{
    public const string ConvenantFileName = "convenant.yaml";

    private static readonly string[] SectionKeys = ["purposes", "roleViews", "fences", "retention", "defaultRasci", "fields", "actions"];

    /// <summary>Reads <c>convenant/convenant.yaml</c> and every <c>*.yaml</c> directly in the policy folder (not <c>tests/</c>).</summary>
    public static PolicyLoadResult LoadFiles(string convenantFile, string policyDirectory)
    {
        var diagnostics = new PolicyDiagnostics();
        if (!File.Exists(convenantFile))
        {
            diagnostics.Error(new SourcePosition(convenantFile, 1, 1), "PL090", "the convenant file does not exist; pass --convenant or set Policy:Convenant");
            return new PolicyLoadResult(null, diagnostics.Errors);
        }

        if (!Directory.Exists(policyDirectory))
        {
            diagnostics.Error(new SourcePosition(policyDirectory, 1, 1), "PL090", "the policy folder does not exist; pass --policies or set Policy:Directory");
            return new PolicyLoadResult(null, diagnostics.Errors);
        }

        var files = Directory.EnumerateFiles(policyDirectory, "*.yaml", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal).ToList();

        // Sizes are checked before a file is read, so that an oversized file is refused without being taken into memory.
        var total = 0L;
        foreach (var file in files.Prepend(convenantFile))
        {
            var length = new FileInfo(file).Length;
            total += length;
            if (length > PolicyLimits.MaxFileBytes)
            {
                diagnostics.Error(new SourcePosition(Display(file), 1, 1), "PL007", PolicyLimits.FileTooLarge(length));
            }
        }

        if (total > PolicyLimits.MaxSetBytes)
        {
            diagnostics.Error(new SourcePosition(Display(policyDirectory), 1, 1), "PL008", SetTooLarge(total));
        }

        if (diagnostics.HasErrors)
        {
            return new PolicyLoadResult(null, diagnostics.Sorted());
        }

        var convenant = new PolicySource(Display(convenantFile), File.ReadAllText(convenantFile));
        var policies = files.Select(f => new PolicySource(Display(f), File.ReadAllText(f))).ToList();
        return Load(convenant, policies);
    }

    public static PolicyLoadResult Load(PolicySource convenant, IReadOnlyList<PolicySource> policies)
    {
        var diagnostics = new PolicyDiagnostics();
        var total = policies.Prepend(convenant).Sum(s => (long)Encoding.UTF8.GetByteCount(s.Text));
        if (total > PolicyLimits.MaxSetBytes)
        {
            diagnostics.Error(new SourcePosition(convenant.Path, 1, 1), "PL008", SetTooLarge(total));
            return new PolicyLoadResult(null, diagnostics.Errors);
        }

        var reader = new NodeReader(diagnostics);
        var (vocabulary, bounds) = ConvenantReader.Read(YamlTree.Parse(convenant.Path, convenant.Text, diagnostics), convenant.Path, diagnostics);
        if (vocabulary is null || bounds is null)
        {
            return new PolicyLoadResult(null, diagnostics.Sorted());
        }

        var sections = new List<YamlMappingNode>();
        foreach (var source in policies)
        {
            var root = YamlTree.Parse(source.Path, source.Text, diagnostics);
            if (root is null)
            {
                continue;
            }

            var map = reader.Mapping(root, new SourcePosition(source.Path, 1, 1), "a policy file");
            if (map is not null)
            {
                reader.OnlyKeys(map, "a policy file", SectionKeys);
                sections.Add(map);
            }
        }

        var folder = new SourcePosition(policies.Count > 0 ? Path.GetDirectoryName(policies[0].Path) is { Length: > 0 } dir ? dir : "policies" : "policies", 1, 1);
        var rules = ReadSections(sections, vocabulary, reader, isPolicy: true, folder);
        if (!diagnostics.HasErrors)
        {
            // Semantic checks only on a set that parsed: a typo must not also be reported as a missing rule.
            PolicyValidator.Validate(vocabulary, bounds, rules, diagnostics);
        }
        if (diagnostics.HasErrors)
        {
            return new PolicyLoadResult(null, diagnostics.Sorted());
        }

        var bundle = Bundle(vocabulary, convenant, policies);
        return new PolicyLoadResult(
            new PolicySet
            {
                Vocabulary = vocabulary,
                Rules = rules,
                Bundle = bundle,
                ContentHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(bundle))),
            },
            []);
    }

    internal static RuleSections ReadSections(YamlMappingNode map, Vocabulary vocabulary, NodeReader reader, bool isPolicy) =>
        ReadSections([map], vocabulary, reader, isPolicy, map.Position);

    private static RuleSections ReadSections(
        IReadOnlyList<YamlMappingNode> maps, Vocabulary vocabulary, NodeReader reader, bool isPolicy, SourcePosition anchor)
    {
        var rules = new RuleReader(vocabulary, reader, isPolicy);
        var found = new Dictionary<string, (YamlScalarNode Key, YamlNodeWithPosition Value)>(StringComparer.Ordinal);
        foreach (var map in maps)
        {
            foreach (var (key, value) in map.Entries)
            {
                if (Array.IndexOf(SectionKeys, key.Value) < 0)
                {
                    continue;
                }

                if (found.TryGetValue(key.Value, out var first))
                {
                    reader.Diagnostics.Error(key.Position, "PL060", $"section '{key.Value}' is also at {first.Key.Position}; keep each section in one file");
                    continue;
                }

                found[key.Value] = (key, value);
            }
        }

        var fences = found.TryGetValue("fences", out var f) ? rules.Fences(f.Value, f.Key.Position) : ([], [], []);
        var positions = SectionKeys.ToDictionary(k => k, k => found.TryGetValue(k, out var e) ? e.Key.Position : anchor, StringComparer.Ordinal);
        return new RuleSections(
            found.TryGetValue("purposes", out var p) ? rules.Purposes(p.Value, p.Key.Position) : [],
            found.TryGetValue("roleViews", out var r) ? rules.RoleViews(r.Value, r.Key.Position) : [],
            fences.Categories,
            fences.Purposes,
            fences.Statuses,
            found.TryGetValue("retention", out var t) ? rules.Retention(t.Value, t.Key.Position) : [],
            found.TryGetValue("defaultRasci", out var d) ? rules.Rasci(d.Value, d.Key.Position) : null,
            found.TryGetValue("fields", out var fl) ? rules.Fields(fl.Value, fl.Key.Position) : ImmutableArray<FieldDefinition>.Empty,
            found.TryGetValue("actions", out var ac) ? rules.Actions(ac.Value, ac.Key.Position) : [])
        {
            SectionPositions = positions,
        };
    }

    /// <summary>A canonical JSON document of every source, the basis of the content hash and kept for replay.</summary>
    private static string Bundle(Vocabulary vocabulary, PolicySource convenant, IReadOnlyList<PolicySource> policies)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("convenant", vocabulary.ConvenantId);
            json.WriteString("convenantVersion", vocabulary.ConvenantVersion);
            json.WriteStartObject("files");
            foreach (var source in policies.Prepend(convenant).OrderBy(s => Path.GetFileName(s.Path), StringComparer.Ordinal))
            {
                json.WriteString(Path.GetFileName(source.Path), source.Text.ReplaceLineEndings("\n"));
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string SetTooLarge(long bytes) =>
        $"the convenant and the policy files are {bytes} bytes together; a set holds at most {PolicyLimits.MaxSetBytes} bytes (8 MiB)";

    /// <summary>A path as messages show it: relative to the working folder when it lies below it, else absolute.</summary>
    public static string Display(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }
}
