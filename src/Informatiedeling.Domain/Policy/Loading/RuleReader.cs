using System.Collections.Immutable;
using Informatiedeling.Policy.Yaml;

namespace Informatiedeling.Policy.Loading;

/// <summary>
/// Reads the rule sections, which have the same shape in the convenant's bounds and in the policy files.
/// In the policy files every rule also needs an <c>id</c> and the convenant <c>article</c> it rests on.
/// </summary>
internal sealed class RuleReader(Vocabulary vocabulary, NodeReader reader, bool isPolicy)
{
    private static readonly string[] PurposeKeys = ["id", "purpose", "partners", "steps", "caseStatus", "roles", "scope", "article"];
    private static readonly string[] ActionKeys = ["id", "action", "partners", "roles", "steps", "caseStatus", "article"];
    private static readonly string[] RoleViewKeys = ["id", "role", "categories", "article"];
    private static readonly string[] CategoryFenceKeys = ["id", "category", "partners", "roles", "purposes", "article"];
    private static readonly string[] PurposeFenceKeys = ["id", "purpose", "categories", "justification", "obligations", "article"];
    private static readonly string[] StatusFenceKeys = ["id", "caseStatus", "purposes", "article"];
    private static readonly string[] RetentionKeys = ["id", "category", "days", "article"];
    private static readonly string[] FieldKeys = ["id", "label", "category", "type", "values", "evaluation"];
    private static readonly string[] RasciKeys = ["id", "article", "steps"];
    private static readonly string[] StepKeys = ["step", "R", "A", "S", "C", "I"];

    public ImmutableArray<PurposeRule> Purposes(YamlNodeWithPosition node, SourcePosition parent) =>
        Each(node, parent, "purposes", (map, what) =>
        {
            reader.OnlyKeys(map, what, PurposeKeys);
            var rule = Rule(map, what);
            var purpose = One(map, "purpose", what, vocabulary.Purposes);
            var partners = Partners(map, "partners", what);
            var scope = Scope(map, what);
            var steps = scope == ReleaseScope.Case ? Set(map, "steps", what, vocabulary.Steps) : OptionalSet(map, "steps", what, vocabulary.Steps, vocabulary.Steps.All);
            var status = Status(map, "caseStatus", what, allowAny: true);
            var roles = map["roles"] is null ? PurposeRule.AnyRole : RoleSet(map, "roles", what);
            return rule is null || purpose is null || scope is null || status is null
                ? null
                : new PurposeRule(rule, purpose.Value, partners, steps, status.Value.Status, roles, scope.Value);
        });

    public ImmutableArray<ActionRule> Actions(YamlNodeWithPosition node, SourcePosition parent) =>
        Each(node, parent, "actions", (map, what) =>
        {
            reader.OnlyKeys(map, what, ActionKeys);
            var rule = Rule(map, what);
            var action = One(map, "action", what, vocabulary.Actions);
            var partners = map["partners"] is null ? vocabulary.Partners.All : Partners(map, "partners", what);
            var roles = map["roles"] is null ? (byte)0 : RoleSet(map, "roles", what);
            var steps = OptionalSet(map, "steps", what, vocabulary.Steps, vocabulary.Steps.All);

            // An action changes an open case unless its rule says otherwise ('closed' or 'any').
            var status = map["caseStatus"] is null ? (CaseStatus.Open, false) : Status(map, "caseStatus", what, allowAny: true);
            return rule is null || action is null || status is null ? null : new ActionRule(rule, action.Value, partners, roles, steps, status.Value.Status);
        });

    public ImmutableArray<RoleView> RoleViews(YamlNodeWithPosition node, SourcePosition parent) =>
        Each(node, parent, "roleViews", (map, what) =>
        {
            reader.OnlyKeys(map, what, RoleViewKeys);
            var rule = Rule(map, what);
            var role = OneRole(map, "role", what);
            var categories = Set(map, "categories", what, vocabulary.Categories);
            return rule is null || role is null ? null : new RoleView(rule, role.Value, categories);
        });

    /// <summary>A fence is a category fence, a purpose fence or a case-status fence, by which key it has.</summary>
    public (ImmutableArray<CategoryFence> Categories, ImmutableArray<PurposeFence> Purposes, ImmutableArray<StatusFence> Statuses) Fences(
        YamlNodeWithPosition node, SourcePosition parent)
    {
        var categories = ImmutableArray.CreateBuilder<CategoryFence>();
        var purposes = ImmutableArray.CreateBuilder<PurposeFence>();
        var statuses = ImmutableArray.CreateBuilder<StatusFence>();
        foreach (var item in reader.Sequence(node, parent, "fences"))
        {
            var map = reader.Mapping(item, parent, "a fence");
            if (map is null)
            {
                continue;
            }

            var what = $"fence {Describe(map)}";
            if (map["category"] is not null)
            {
                reader.OnlyKeys(map, what, CategoryFenceKeys);
                var rule = Rule(map, what);
                var category = One(map, "category", what, vocabulary.Categories);
                var partners = Partners(map, "partners", what);
                var roles = RoleSet(map, "roles", what);
                var allowed = Set(map, "purposes", what, vocabulary.Purposes);
                if (rule is not null && category is not null)
                {
                    categories.Add(new CategoryFence(rule, category.Value, partners, roles, allowed));
                }
            }
            else if (map["purpose"] is not null)
            {
                reader.OnlyKeys(map, what, PurposeFenceKeys);
                var rule = Rule(map, what);
                var purpose = One(map, "purpose", what, vocabulary.Purposes);
                var released = Set(map, "categories", what, vocabulary.Categories);
                var justification = Justification(map, what);
                var obligations = ObligationSet(map, what);
                if (rule is not null && purpose is not null)
                {
                    purposes.Add(new PurposeFence(rule, purpose.Value, released, justification, obligations));
                }
            }
            else if (map["caseStatus"] is not null)
            {
                reader.OnlyKeys(map, what, StatusFenceKeys);
                var rule = Rule(map, what);
                var status = Status(map, "caseStatus", what, allowAny: false);
                var allowed = Set(map, "purposes", what, vocabulary.Purposes);
                if (rule is not null && status?.Status is { } s)
                {
                    statuses.Add(new StatusFence(rule, s, allowed));
                }
            }
            else
            {
                reader.Diagnostics.Error(map.Position, "PL030", "a fence needs 'category' (who may receive it), 'purpose' (what it may release) or 'caseStatus' (which purposes remain)");
            }
        }

        return (categories.ToImmutable(), purposes.ToImmutable(), statuses.ToImmutable());
    }

    public ImmutableArray<RetentionRule> Retention(YamlNodeWithPosition node, SourcePosition parent) =>
        Each(node, parent, "retention", (map, what) =>
        {
            reader.OnlyKeys(map, what, RetentionKeys);
            var rule = Rule(map, what);
            var category = One(map, "category", what, vocabulary.Categories);
            var days = reader.Integer(map, "days", what, 0, 36_500);
            return rule is null || category is null || days is null ? null : new RetentionRule(rule, category.Value, days.Value);
        });

    public DefaultRasci? Rasci(YamlNodeWithPosition node, SourcePosition parent)
    {
        RuleRef? rule;
        YamlNodeWithPosition? stepsNode;
        if (isPolicy)
        {
            var map = reader.Mapping(node, parent, "defaultRasci");
            if (map is null)
            {
                return null;
            }

            reader.OnlyKeys(map, "defaultRasci", RasciKeys);
            rule = Rule(map, "defaultRasci");
            stepsNode = map["steps"];
            if (stepsNode is null)
            {
                reader.Diagnostics.Error(map.Position, "PL013", "defaultRasci needs 'steps', one line per step");
                return null;
            }
        }
        else
        {
            rule = new RuleRef("convenant", "5.2", node.Position);
            stepsNode = node;
        }

        var steps = Each(stepsNode, node.Position, "steps", (map, what) =>
        {
            reader.OnlyKeys(map, what, StepKeys);
            var step = One(map, "step", what, vocabulary.Steps);
            var byRole = new ulong[Roles.Count];
            byte shellRoles = 0;
            for (var r = 0; r < Roles.Count; r++)
            {
                var role = Roles.Names[r];
                if (map[role] is null)
                {
                    continue;
                }

                foreach (var item in reader.ScalarList(map, role, what) ?? [])
                {
                    if (string.Equals(item.Value, "shell", StringComparison.Ordinal))
                    {
                        shellRoles |= (byte)(1 << r);
                    }
                    else if (vocabulary.Partners.TryGetIndex(item.Value, out var partner))
                    {
                        if ((vocabulary.InvitationRequired & (1UL << partner)) != 0)
                        {
                            reader.Diagnostics.Error(item.Position, "PL031", $"'{item.Value}' is a shell partner and has a role only by invitation (art. {vocabulary.Defaults.Invitation}); write 'shell' instead");
                        }

                        byRole[r] |= 1UL << partner;
                    }
                    else
                    {
                        UnknownName(item, vocabulary.Partners, "partner");
                    }
                }
            }

            return step is null ? null : new StepAssignment(step.Value, [.. byRole], shellRoles);
        });
        return rule is null ? null : new DefaultRasci(rule, steps);
    }

    public ImmutableArray<FieldDefinition> Fields(YamlNodeWithPosition node, SourcePosition parent) =>
        Each(node, parent, "fields", (map, what) =>
        {
            reader.OnlyKeys(map, what, FieldKeys);
            var id = reader.Scalar(map, "id", what);
            if (id is not null && !IsFieldId(id.Value))
            {
                reader.Diagnostics.Error(id.Position, "PL040", $"field id '{id.Value}' must be 'section.name' in lowercase words joined by hyphens");
            }

            var label = reader.Scalar(map, "label", what);
            var category = map["category"] is null
                ? FieldWithoutCategory(map, id)
                : One(map, "category", what, vocabulary.Categories);
            var type = FieldTypeOf(map, what);
            var values = reader.ScalarList(map, "values", what, required: type == FieldType.Enum)?.Select(v => v.Value).ToImmutableArray() ?? [];
            if (type is not null and not FieldType.Enum && map["values"] is { } valuesNode)
            {
                reader.Diagnostics.Error(valuesNode.Position, "PL041", "only a field of type 'enum' has 'values'");
            }

            var evaluation = reader.Boolean(map, "evaluation", what) ?? false;
            return id is null || label is null || category is null || type is null
                ? null
                : new FieldDefinition(id.Value, label.Value, category.Value, type.Value, values, evaluation, map.Position);
        });

    private int? FieldWithoutCategory(YamlMappingNode map, YamlScalarNode? id)
    {
        reader.Diagnostics.Error(map.Position, "PL042", $"field '{id?.Value ?? "?"}' is in no category; every field belongs to exactly one of: {string.Join(", ", vocabulary.Categories.Names)} (art. 4.6)");
        return null;
    }

    private static bool IsFieldId(string id)
    {
        var dot = id.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot == id.LastIndexOf('.') && Identifier.IsWellFormed(id.AsSpan(0, dot)) && Identifier.IsWellFormed(id.AsSpan(dot + 1));
    }

    private FieldType? FieldTypeOf(YamlMappingNode map, string what)
    {
        var scalar = reader.Scalar(map, "type", what);
        return scalar?.Value switch
        {
            null => null,
            "text" => FieldType.Text,
            "date" => FieldType.Date,
            "boolean" => FieldType.Boolean,
            "integer" => FieldType.Integer,
            "enum" => FieldType.Enum,
            _ => Fail<FieldType>(scalar, "PL043", $"unknown field type '{scalar.Value}'{Suggest.DidYouMean(scalar.Value, ["text", "date", "boolean", "integer", "enum"])}; use text, date, boolean, integer or enum"),
        };
    }

    private ImmutableArray<T> Each<T>(YamlNodeWithPosition node, SourcePosition parent, string section, Func<YamlMappingNode, string, T?> read)
        where T : class
    {
        var result = ImmutableArray.CreateBuilder<T>();
        foreach (var item in reader.Sequence(node, parent, section))
        {
            var map = reader.Mapping(item, parent, $"an entry of '{section}'");
            if (map is not null && read(map, $"{section} entry {Describe(map)}") is { } value)
            {
                result.Add(value);
            }
        }

        return result.ToImmutable();
    }

    private static string Describe(YamlMappingNode map) =>
        map["id"] is YamlScalarNode id ? $"'{id.Value}'" : $"at line {map.Position.Line}";

    private RuleRef? Rule(YamlMappingNode map, string what)
    {
        if (!isPolicy)
        {
            if (map["id"] is { } idNode || map["article"] is { } articleNode)
            {
                reader.Diagnostics.Error(map.Position, "PL021", "the convenant's bounds have no rule ids or articles; those belong in policies/");
            }

            return new RuleRef("convenant", "", map.Position);
        }

        var id = reader.Scalar(map, "id", what);
        if (id is not null && !Identifier.IsWellFormed(id.Value))
        {
            reader.Diagnostics.Error(id.Position, "PL022", $"rule id '{id.Value}' must be lowercase words joined by hyphens");
        }

        var article = map["article"] as YamlScalarNode;
        if (article is null || article.IsNull)
        {
            reader.Diagnostics.Error(map.Position, "PL020", $"{what} cites no convenant article; add 'article: \"n.n\"' with the article that allows it");
            return null;
        }

        if (!vocabulary.Articles.ContainsKey(article.Value))
        {
            reader.Diagnostics.Error(article.Position, "PL023", $"article '{article.Value}' is not in the convenant{Suggest.DidYouMean(article.Value, vocabulary.Articles.Keys)}; cite an article of convenant/convenant.yaml");
            return null;
        }

        return id is null ? null : new RuleRef(id.Value, article.Value, map.Position);
    }

    private int? One(YamlMappingNode map, string key, string what, NameTable names)
    {
        var scalar = reader.Scalar(map, key, what);
        if (scalar is null)
        {
            return null;
        }

        if (names.TryGetIndex(scalar.Value, out var index))
        {
            return index;
        }

        UnknownName(scalar, names, names.Kind);
        return null;
    }

    private ulong Set(YamlMappingNode map, string key, string what, NameTable names) => OptionalSet(map, key, what, names, null);

    private ulong OptionalSet(YamlMappingNode map, string key, string what, NameTable names, ulong? whenAbsent)
    {
        var list = reader.ScalarList(map, key, what, required: whenAbsent is null);
        if (list is null)
        {
            return whenAbsent ?? 0;
        }

        ulong mask = 0;
        foreach (var item in list)
        {
            if (names.TryGetIndex(item.Value, out var index))
            {
                mask |= Add(mask, 1UL << index, item);
            }
            else
            {
                UnknownName(item, names, names.Kind);
            }
        }

        return mask;
    }

    /// <summary>Partners, each named or by group (core, shell, investigative).</summary>
    private ulong Partners(YamlMappingNode map, string key, string what)
    {
        ulong mask = 0;
        foreach (var item in reader.ScalarList(map, key, what) ?? [])
        {
            if (vocabulary.Partners.TryGetIndex(item.Value, out var index))
            {
                mask |= Add(mask, 1UL << index, item);
            }
            else if (vocabulary.Groups.TryGetValue(item.Value, out var group))
            {
                mask |= group.Members;
            }
            else
            {
                reader.Diagnostics.Error(item.Position, "PL024",
                    $"unknown partner '{item.Value}'{Suggest.DidYouMean(item.Value, vocabulary.Partners.Names.Concat(vocabulary.Groups.Keys))}; " +
                    $"use a partner ({string.Join(", ", vocabulary.Partners.Names)}) or a group ({string.Join(", ", vocabulary.Groups.Keys)})");
            }
        }

        return mask;
    }

    private ulong Add(ulong mask, ulong bit, YamlScalarNode item)
    {
        if ((mask & bit) != 0)
        {
            reader.Diagnostics.Error(item.Position, "PL025", $"'{item.Value}' is listed twice; keep one");
        }

        return bit;
    }

    private Role? OneRole(YamlMappingNode map, string key, string what)
    {
        var scalar = reader.Scalar(map, key, what);
        if (scalar is null)
        {
            return null;
        }

        return Roles.TryParse(scalar.Value, out var role) ? role : Fail<Role>(scalar, "PL026", $"unknown role '{scalar.Value}'; RASCI roles are R, A, S, C and I");
    }

    private byte RoleSet(YamlMappingNode map, string key, string what)
    {
        byte mask = 0;
        foreach (var item in reader.ScalarList(map, key, what) ?? [])
        {
            if (Roles.TryParse(item.Value, out var role))
            {
                mask |= role.Bit();
            }
            else
            {
                reader.Diagnostics.Error(item.Position, "PL026", $"unknown role '{item.Value}'; RASCI roles are R, A, S, C and I");
            }
        }

        return mask;
    }

    private (CaseStatus? Status, bool Any)? Status(YamlMappingNode map, string key, string what, bool allowAny)
    {
        var scalar = reader.Scalar(map, key, what);
        return scalar?.Value switch
        {
            null => null,
            "open" => (CaseStatus.Open, false),
            "closed" => (CaseStatus.Closed, false),
            "any" when allowAny => (null, true),
            _ => FailStatus(scalar, allowAny),
        };
    }

    private (CaseStatus?, bool)? FailStatus(YamlScalarNode scalar, bool allowAny)
    {
        reader.Diagnostics.Error(scalar.Position, "PL027", $"unknown case status '{scalar.Value}'; use open, closed{(allowAny ? " or any" : "")}");
        return null;
    }

    private ReleaseScope? Scope(YamlMappingNode map, string what)
    {
        var scalar = reader.Scalar(map, "scope", what);
        return scalar?.Value switch
        {
            null => null,
            "case" => ReleaseScope.Case,
            "evaluation-record" => ReleaseScope.EvaluationRecord,
            "aggregate" => ReleaseScope.Aggregate,
            _ => Fail<ReleaseScope>(scalar, "PL028", $"unknown scope '{scalar.Value}'; use case, evaluation-record or aggregate"),
        };
    }

    private bool Justification(YamlMappingNode map, string what)
    {
        var scalar = reader.Scalar(map, "justification", what, required: false);
        return scalar?.Value switch
        {
            null or "none" => false,
            "required" => true,
            _ => Fail<bool>(scalar, "PL029", $"'justification' must be 'required' or 'none', not '{scalar.Value}'") ?? false,
        };
    }

    private Obligations ObligationSet(YamlMappingNode map, string what)
    {
        var result = Obligations.None;
        foreach (var item in reader.ScalarList(map, "obligations", what, required: false) ?? [])
        {
            if (string.Equals(item.Value, "review", StringComparison.Ordinal))
            {
                result |= Obligations.Review;
            }
            else
            {
                reader.Diagnostics.Error(item.Position, "PL029", $"unknown obligation '{item.Value}'; the convenant knows 'review'");
            }
        }

        return result;
    }

    private void UnknownName(YamlScalarNode item, NameTable names, string kind) =>
        reader.Diagnostics.Error(item.Position, "PL024",
            $"unknown {kind} '{item.Value}'{Suggest.DidYouMean(item.Value, names.Names)}; use one of: {string.Join(", ", names.Names)}");

    private T? Fail<T>(YamlScalarNode scalar, string code, string message)
        where T : struct
    {
        reader.Diagnostics.Error(scalar.Position, code, message);
        return null;
    }
}
