using System.Collections.Frozen;
using System.Collections.Immutable;
using Informatiedeling.Policy.Yaml;

namespace Informatiedeling.Policy.Loading;

/// <summary>Reads the machine-readable convenant: its vocabulary, articles and the bounds on every rule.</summary>
internal static class ConvenantReader
{
    /// <summary>The sensitivities a category may have, by the name the convenant file uses.</summary>
    private static readonly (string Name, CategorySensitivity Value)[] Sensitivities =
    [
        ("persoonsgegevens", CategorySensitivity.Personal),
        ("bijzondere-persoonsgegevens", CategorySensitivity.Special),
        ("strafrechtelijke-gegevens", CategorySensitivity.Criminal),
        ("identiteit-melder", CategorySensitivity.ReporterIdentity),
    ];

    private static readonly string[] TopKeys =
        ["convenant", "articles", "groups", "partners", "steps", "closureReasons", "actions", "categories", "purposes", "defaults", "bounds"];

    public static (Vocabulary? Vocabulary, RuleSections? Bounds) Read(YamlNodeWithPosition? root, string file, PolicyDiagnostics diagnostics)
    {
        var reader = new NodeReader(diagnostics);
        var start = new SourcePosition(file, 1, 1);
        var map = reader.Mapping(root, start, "the convenant file");
        if (map is null)
        {
            return (null, null);
        }

        reader.OnlyKeys(map, "the convenant file", TopKeys);
        var header = reader.Mapping(map["convenant"], map.Position, "'convenant'");
        var id = header is null ? null : reader.Scalar(header, "id", "'convenant'");
        var version = header is null ? null : reader.Scalar(header, "version", "'convenant'");

        var articles = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reader.Mapping(map["articles"], map.Position, "'articles'") is { } articleMap)
        {
            foreach (var (key, value) in articleMap.Entries)
            {
                articles[key.Value] = (value as YamlScalarNode)?.Value ?? "";
            }
        }

        var partnerNames = new List<string>();
        var partnerLabels = new List<string>();
        var partnerGroups = new List<(int Partner, YamlScalarNode Group)>();
        if (reader.Mapping(map["partners"], map.Position, "'partners'") is { } partnersMap)
        {
            foreach (var (key, value) in partnersMap.Entries)
            {
                CheckIdentifier(key, "partner", diagnostics);
                var entry = reader.Mapping(value, key.Position, $"partner '{key.Value}'");
                partnerNames.Add(key.Value);
                partnerLabels.Add(entry is null ? key.Value : reader.Scalar(entry, "name", $"partner '{key.Value}'")?.Value ?? key.Value);
                foreach (var group in entry is null ? [] : reader.ScalarList(entry, "groups", $"partner '{key.Value}'") ?? [])
                {
                    partnerGroups.Add((partnerNames.Count - 1, group));
                }
            }
        }

        var groups = new Dictionary<string, PartnerGroup>(StringComparer.Ordinal);
        if (reader.Mapping(map["groups"], map.Position, "'groups'") is { } groupsMap)
        {
            foreach (var (key, value) in groupsMap.Entries)
            {
                CheckIdentifier(key, "group", diagnostics);
                if (partnerNames.Contains(key.Value))
                {
                    diagnostics.Error(key.Position, "PL051", $"group '{key.Value}' has the name of a partner; rename one of them");
                }

                var entry = reader.Mapping(value, key.Position, $"group '{key.Value}'");
                var members = partnerGroups.Where(p => p.Group.Value == key.Value).Aggregate(0UL, (m, p) => m | (1UL << p.Partner));
                groups[key.Value] = new PartnerGroup(
                    key.Value,
                    members,
                    entry is null ? "" : reader.Scalar(entry, "article", $"group '{key.Value}'")?.Value ?? "",
                    entry is not null && (reader.Boolean(entry, "invitationRequired", $"group '{key.Value}'") ?? false));
            }
        }

        foreach (var (_, group) in partnerGroups.Where(p => !groups.ContainsKey(p.Group.Value)))
        {
            diagnostics.Error(group.Position, "PL024", $"unknown group '{group.Value}'{Suggest.DidYouMean(group.Value, groups.Keys)}; declare it under 'groups'");
        }

        var steps = Names(reader, map, "steps", "step");
        var closureReasons = Names(reader, map, "closureReasons", "closure reason");
        var actions = Names(reader, map, "actions", "action");

        var categories = new List<CategoryDefinition>();
        if (reader.Mapping(map["categories"], map.Position, "'categories'") is { } categoriesMap)
        {
            foreach (var (key, value) in categoriesMap.Entries)
            {
                CheckIdentifier(key, "category", diagnostics);
                var entry = reader.Mapping(value, key.Position, $"category '{key.Value}'");
                categories.Add(new CategoryDefinition(
                    key.Value,
                    entry is null ? "" : Article(reader, entry, $"category '{key.Value}'", articles),
                    entry is null ? CategorySensitivity.Personal : Sensitivity(reader, entry, $"category '{key.Value}'"),
                    entry is not null && (reader.Boolean(entry, "fenced", $"category '{key.Value}'") ?? false)));
            }
        }

        var purposes = new List<PurposeDefinition>();
        if (reader.Mapping(map["purposes"], map.Position, "'purposes'") is { } purposesMap)
        {
            foreach (var (key, value) in purposesMap.Entries)
            {
                CheckIdentifier(key, "purpose", diagnostics);
                var entry = reader.Mapping(value, key.Position, $"purpose '{key.Value}'");
                purposes.Add(new PurposeDefinition(
                    key.Value,
                    entry is null ? "" : Article(reader, entry, $"purpose '{key.Value}'", articles),
                    entry is null ? "" : reader.Scalar(entry, "legalGround", $"purpose '{key.Value}'")?.Value ?? ""));
            }
        }

        var defaults = reader.Mapping(map["defaults"], map.Position, "'defaults'");
        var defaultArticles = defaults is null
            ? null
            : new DefaultArticles(
                Article(reader, defaults, "'defaults'", articles, "unknown"),
                Article(reader, defaults, "'defaults'", articles, "noRole"),
                Article(reader, defaults, "'defaults'", articles, "invitation"),
                Article(reader, defaults, "'defaults'", articles, "purposeRequired"));

        foreach (var (kind, count, position) in new[] { ("partners", partnerNames.Count, map.Position), ("steps", steps.Count, map.Position), ("categories", categories.Count, map.Position), ("purposes", purposes.Count, map.Position) })
        {
            var max = kind == "categories" ? Engine.Decision.MaxCategories : NameTable.MaxNames;
            if (count == 0 || count > max)
            {
                diagnostics.Error(position, "PL052", $"the convenant must define between 1 and {max} {kind}");
            }
        }

        if (diagnostics.HasErrors || id is null || version is null || defaultArticles is null)
        {
            return (null, null);
        }

        var vocabulary = new Vocabulary
        {
            ConvenantId = id.Value,
            ConvenantVersion = version.Value,
            Articles = articles.ToFrozenDictionary(StringComparer.Ordinal),
            Partners = new NameTable("partner", partnerNames),
            PartnerNames = [.. partnerLabels],
            Groups = groups.ToFrozenDictionary(StringComparer.Ordinal),
            Steps = new NameTable("step", steps),
            Categories = new NameTable("category", categories.Select(c => c.Name)),
            CategoryDefinitions = [.. categories],
            Purposes = new NameTable("purpose", purposes.Select(p => p.Name)),
            PurposeDefinitions = [.. purposes],
            ClosureReasons = [.. closureReasons],
            Actions = new NameTable("action", actions),
            Defaults = defaultArticles,
        };

        var boundsMap = reader.Mapping(map["bounds"], map.Position, "'bounds'");
        return (vocabulary, boundsMap is null ? null : PolicyLoader.ReadSections(boundsMap, vocabulary, reader, isPolicy: false));
    }

    private static List<string> Names(NodeReader reader, YamlMappingNode map, string key, string kind)
    {
        var names = new List<string>();
        foreach (var item in reader.ScalarList(map, key, "the convenant file") ?? [])
        {
            CheckIdentifier(item, kind, reader.Diagnostics);
            if (names.Contains(item.Value))
            {
                reader.Diagnostics.Error(item.Position, "PL025", $"{kind} '{item.Value}' is listed twice; keep one");
            }

            names.Add(item.Value);
        }

        return names;
    }

    /// <summary>A closed list, because the hub acts on it: a release of special personal data is logged as such (NEN 7513).</summary>
    private static CategorySensitivity Sensitivity(NodeReader reader, YamlMappingNode map, string what)
    {
        var scalar = reader.Scalar(map, "sensitivity", what);
        if (scalar is null)
        {
            return CategorySensitivity.Personal;
        }

        foreach (var (name, value) in Sensitivities)
        {
            if (string.Equals(name, scalar.Value, StringComparison.Ordinal))
            {
                return value;
            }
        }

        var names = Sensitivities.Select(s => s.Name).ToList();
        reader.Diagnostics.Error(scalar.Position, "PL053",
            $"unknown sensitivity '{scalar.Value}'{Suggest.DidYouMean(scalar.Value, names)} for {what}; use one of: {string.Join(", ", names)}");
        return CategorySensitivity.Personal;
    }

    private static string Article(NodeReader reader, YamlMappingNode map, string what, Dictionary<string, string> articles, string key = "article")
    {
        var article = reader.Scalar(map, key, what);
        if (article is not null && !articles.ContainsKey(article.Value))
        {
            reader.Diagnostics.Error(article.Position, "PL023", $"article '{article.Value}' is not listed under 'articles'");
        }

        return article?.Value ?? "";
    }

    private static void CheckIdentifier(YamlScalarNode node, string kind, PolicyDiagnostics diagnostics)
    {
        if (!Identifier.IsWellFormed(node.Value))
        {
            diagnostics.Error(node.Position, "PL050", $"{kind} '{node.Value}' must be lowercase words joined by hyphens (e.g. 'veilig-thuis')");
        }
    }
}
