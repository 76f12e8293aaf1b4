using System.Globalization;
using System.Numerics;

namespace Informatiedeling.Policy.Administration;

/// <summary>
/// Compares two policy sets of the same convenant by meaning: for every rule, which partners, steps, roles,
/// categories, purposes, case statuses, scope, justification, obligations and retention periods it widens or
/// narrows. Rules are matched by what they are about (the purpose, category, role, action, step or field), so a
/// renamed rule is a change of its id, not a rule removed and another added. Partners named by group are compared
/// as their members, so writing a group out changes nothing here (the text diff shows it).
/// </summary>
public static class SemanticDiff
{
    private static readonly string[] StatusNames = ["open", "closed"];
    private static readonly string[] ObligationNames = ["review"];

    // An action rule without roles needs no role on the case: it allows every role and no role at all.
    private static readonly string[] ActionRoleNames = [.. Roles.Names, "no-role"];

    /// <summary>The changes from <paramref name="before"/> to <paramref name="after"/>, section by section in the order of the policy files.</summary>
    /// <exception cref="ArgumentException">The two sets do not share the convenant's vocabulary, so their rules cannot be compared.</exception>
    public static PolicyDiff Compare(PolicySet before, PolicySet after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var v = after.Vocabulary;
        SameVocabulary(before.Vocabulary, v);
        var b = before.Rules;
        var a = after.Rules;
        var changes = new List<RuleChange>();

        Keyed(changes, "purposes", b.Purposes, a.Purposes, r => r.Purpose, r => r.Rule, (x, y) => PurposeAspects(v, x, y),
            r => r.Partners != 0 && r.Steps != 0 && r.Roles != 0);
        Keyed(changes, "roleViews", b.RoleViews, a.RoleViews, r => (int)r.Role, r => r.Rule,
            (x, y) => Present(Set("categories", x?.Categories ?? 0, y?.Categories ?? 0, v.Categories.Names)),
            r => r.Categories != 0);
        Keyed(changes, "fences", b.CategoryFences, a.CategoryFences, f => f.Category, f => f.Rule, (x, y) => CategoryFenceAspects(v, x, y),
            f => f.Partners != 0 && f.Roles != 0 && f.Purposes != 0);
        Keyed(changes, "fences", b.PurposeFences, a.PurposeFences, f => f.Purpose, f => f.Rule, (x, y) => PurposeFenceAspects(v, x, y), null);
        Keyed(changes, "fences", b.StatusFences, a.StatusFences, f => (int)f.Status, f => f.Rule,
            (x, y) => Present(Set("purposes", x?.Purposes ?? v.Purposes.All, y?.Purposes ?? v.Purposes.All, v.Purposes.Names)),
            null);
        Keyed(changes, "retention", b.Retention, a.Retention, r => r.Category, r => r.Rule, (x, y) => Present(Days(x, y)), null);
        Rasci(changes, v, b.Rasci, a.Rasci);
        Keyed(changes, "fields", b.Fields, a.Fields, f => f.Id, _ => null, (x, y) => FieldAspects(v, x, y), _ => true);
        Keyed(changes, "actions", b.Actions, a.Actions, r => r.Action, r => r.Rule, (x, y) => ActionAspects(v, x, y),
            r => r.Partners != 0 && r.Steps != 0);

        return new PolicyDiff(changes);
    }

    private static void SameVocabulary(Vocabulary before, Vocabulary after)
    {
        (string Kind, NameTable Before, NameTable After)[] tables = [
            ("partners", before.Partners, after.Partners), ("steps", before.Steps, after.Steps),
            ("categories", before.Categories, after.Categories), ("purposes", before.Purposes, after.Purposes),
            ("actions", before.Actions, after.Actions)];
        foreach (var (kind, x, y) in tables)
        {
            if (!x.Names.SequenceEqual(y.Names, StringComparer.Ordinal))
            {
                throw new ArgumentException($"the two policy sets name other {kind} (convenant {before.ConvenantVersion} and {after.ConvenantVersion}); only sets of the same convenant can be compared by meaning");
            }
        }
    }

    /// <summary>
    /// Matches the rules of one section by their key and adds a change for each key whose rule differs. A new
    /// rule is compared with its absence (which for a fence means no restriction); one that
    /// <paramref name="grants"/> nothing, added or removed, changes nothing anyone may do.
    /// </summary>
    private static void Keyed<T, TKey>(
        List<RuleChange> changes,
        string section,
        IEnumerable<T> before,
        IEnumerable<T> after,
        Func<T, TKey> key,
        Func<T, RuleRef?> rule,
        Func<T?, T?, List<AspectChange>> aspects,
        Func<T, bool>? grants)
        where T : class
        where TKey : notnull
    {
        var olds = First(before, key);
        var news = First(after, key);
        IEnumerable<TKey> keys = [.. news.Keys, .. olds.Keys.Where(k => !news.ContainsKey(k))];
        if (typeof(TKey) == typeof(int))
        {
            keys = keys.Order();
        }

        foreach (var k in keys)
        {
            var x = olds.GetValueOrDefault(k);
            var y = news.GetValueOrDefault(k);
            var found = aspects(x, y);
            var (xRule, yRule) = (x is null ? null : rule(x), y is null ? null : rule(y));
            if (xRule is not null && yRule is not null)
            {
                if (!string.Equals(xRule.Id, yRule.Id, StringComparison.Ordinal))
                {
                    found.Insert(0, new AspectChange("id", ChangeDirection.Neutral, [], [], xRule.Id, yRule.Id));
                }

                if (!string.Equals(xRule.Article, yRule.Article, StringComparison.Ordinal))
                {
                    found.Add(new AspectChange("article", ChangeDirection.Neutral, [], [], xRule.Article, yRule.Article));
                }
            }

            if (found.Count == 0)
            {
                continue;
            }

            var kind = x is null ? RuleChangeKind.Added : y is null ? RuleChangeKind.Removed : RuleChangeKind.Changed;
            var only = x ?? y!;
            if (kind != RuleChangeKind.Changed && grants is not null && !grants(only))
            {
                found = [.. found.Select(c => c with { Direction = ChangeDirection.Neutral })];
            }

            var id = yRule?.Id ?? xRule?.Id ?? k.ToString()!;
            changes.Add(new RuleChange(section, id, yRule?.Article ?? xRule?.Article, kind, found));
        }
    }

    private static Dictionary<TKey, T> First<T, TKey>(IEnumerable<T> rules, Func<T, TKey> key)
        where TKey : notnull
    {
        var result = new Dictionary<TKey, T>();
        foreach (var rule in rules)
        {
            result.TryAdd(key(rule), rule);
        }

        return result;
    }

    private static List<AspectChange> PurposeAspects(Vocabulary v, PurposeRule? x, PurposeRule? y) => Present(
        Set("partners", x?.Partners ?? 0, y?.Partners ?? 0, v.Partners.Names),
        Set("steps", x?.Steps ?? 0, y?.Steps ?? 0, v.Steps.Names),
        Set("roles", x?.Roles ?? 0, y?.Roles ?? 0, Roles.Names),
        Status(x is not null, x?.Status, y is not null, y?.Status),
        Scope(x?.Scope, y?.Scope));

    private static List<AspectChange> ActionAspects(Vocabulary v, ActionRule? x, ActionRule? y) => Present(
        Set("partners", x?.Partners ?? 0, y?.Partners ?? 0, v.Partners.Names),
        Set("roles", ActionRoles(x), ActionRoles(y), ActionRoleNames),
        Set("steps", x?.Steps ?? 0, y?.Steps ?? 0, v.Steps.Names),
        Status(x is not null, x?.Status, y is not null, y?.Status));

    private static ulong ActionRoles(ActionRule? rule) => rule is null ? 0 : rule.Roles == 0 ? (1UL << ActionRoleNames.Length) - 1 : rule.Roles;

    private static List<AspectChange> CategoryFenceAspects(Vocabulary v, CategoryFence? x, CategoryFence? y) => Present(
        Set("partners", x?.Partners ?? 0, y?.Partners ?? 0, v.Partners.Names),
        Set("roles", x?.Roles ?? 0, y?.Roles ?? 0, Roles.Names),
        Set("purposes", x?.Purposes ?? 0, y?.Purposes ?? 0, v.Purposes.Names));

    /// <summary>Without a fence a purpose releases what the role may see, needs no justification and carries no duty.</summary>
    private static List<AspectChange> PurposeFenceAspects(Vocabulary v, PurposeFence? x, PurposeFence? y)
    {
        var (xJustified, yJustified) = (x?.JustificationRequired ?? false, y?.JustificationRequired ?? false);
        return Present(
            Set("categories", x?.Categories ?? v.Categories.All, y?.Categories ?? v.Categories.All, v.Categories.Names),
            xJustified == yJustified
                ? null
                : new AspectChange("justification", yJustified ? ChangeDirection.Narrows : ChangeDirection.Widens, [], [],
                    Justification(xJustified), Justification(yJustified)),
            Set("obligations", (ulong)(x?.Obligations ?? Obligations.None), (ulong)(y?.Obligations ?? Obligations.None), ObligationNames, moreIsWider: false));
    }

    private static string Justification(bool required) => required ? "required" : "none";

    /// <summary>Longer is wider: the data is kept longer. A category without a period is not limited at all.</summary>
    private static AspectChange? Days(RetentionRule? x, RetentionRule? y)
    {
        if (x?.Days == y?.Days)
        {
            return null;
        }

        var wider = y is null || (x is not null && y.Days > x.Days);
        return new AspectChange("days", wider ? ChangeDirection.Widens : ChangeDirection.Narrows, [], [],
            x?.Days.ToString(CultureInfo.InvariantCulture), y?.Days.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>A field is there or not, and in which category; moving it is counted as widening, since its values now follow the rules of another category.</summary>
    private static List<AspectChange> FieldAspects(Vocabulary v, FieldDefinition? x, FieldDefinition? y)
    {
        var names = v.Categories.Names;
        var found = new List<AspectChange>();
        if (x?.Category != y?.Category)
        {
            found.Add(new AspectChange("category", y is null ? ChangeDirection.Narrows : ChangeDirection.Widens,
                y is null ? [] : [names[y.Category]], x is null ? [] : [names[x.Category]],
                x is null ? null : names[x.Category], y is null ? null : names[y.Category]));
        }

        var (xEvaluation, yEvaluation) = (x?.Evaluation ?? false, y?.Evaluation ?? false);
        if (xEvaluation != yEvaluation)
        {
            found.Add(new AspectChange("evaluation", yEvaluation ? ChangeDirection.Widens : ChangeDirection.Narrows, [], [],
                x is null ? null : Bool(xEvaluation), y is null ? null : Bool(yEvaluation)));
        }

        if (x is null || y is null)
        {
            return found;
        }

        if (x.Type != y.Type)
        {
            found.Add(new AspectChange("type", ChangeDirection.Neutral, [], [], Type(x.Type), Type(y.Type)));
        }

        if (!x.Values.SequenceEqual(y.Values, StringComparer.Ordinal))
        {
            found.Add(new AspectChange("values", ChangeDirection.Neutral,
                [.. y.Values.Except(x.Values, StringComparer.Ordinal)], [.. x.Values.Except(y.Values, StringComparer.Ordinal)]));
        }

        if (!string.Equals(x.Label, y.Label, StringComparison.Ordinal))
        {
            found.Add(new AspectChange("label", ChangeDirection.Neutral, [], [], x.Label, y.Label));
        }

        return found;
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Type(FieldType type) => type.ToString().ToLowerInvariant();

    /// <summary>
    /// The default RASCI step by step (<c>rasci:&lt;step&gt;</c>), partner by partner (<c>partner:&lt;name&gt;</c>, and
    /// <c>shell</c> for the roles invited shell partners get): a role gained or a stronger one widens, a role lost or
    /// a weaker one narrows (R is strongest, then A, S, C, I).
    /// </summary>
    private static void Rasci(List<RuleChange> changes, Vocabulary v, DefaultRasci? before, DefaultRasci? after)
    {
        var article = after?.Rule.Article ?? before?.Rule.Article;
        if (before is not null && after is not null)
        {
            var found = Present(
                string.Equals(before.Rule.Id, after.Rule.Id, StringComparison.Ordinal) ? null : new AspectChange("id", ChangeDirection.Neutral, [], [], before.Rule.Id, after.Rule.Id),
                string.Equals(before.Rule.Article, after.Rule.Article, StringComparison.Ordinal) ? null : new AspectChange("article", ChangeDirection.Neutral, [], [], before.Rule.Article, after.Rule.Article));
            if (found.Count > 0)
            {
                changes.Add(new RuleChange("defaultRasci", after.Rule.Id, article, RuleChangeKind.Changed, found));
            }
        }

        var olds = First(before?.Steps ?? [], s => s.Step);
        var news = First(after?.Steps ?? [], s => s.Step);
        for (var s = 0; s < v.Steps.Count; s++)
        {
            var x = olds.GetValueOrDefault(s);
            var y = news.GetValueOrDefault(s);
            if (x is null && y is null)
            {
                continue;
            }

            var found = new List<AspectChange>();
            for (var p = 0; p < v.Partners.Count; p++)
            {
                Add(found, Held(x, p), Held(y, p), $"partner:{v.Partners.Names[p]}");
            }

            Add(found, x?.ShellRoles ?? 0, y?.ShellRoles ?? 0, "shell");
            if (found.Count > 0)
            {
                var kind = x is null ? RuleChangeKind.Added : y is null ? RuleChangeKind.Removed : RuleChangeKind.Changed;
                changes.Add(new RuleChange("defaultRasci", $"rasci:{v.Steps.Names[s]}", article, kind, found));
            }
        }

        static void Add(List<AspectChange> found, byte x, byte y, string aspect)
        {
            if (x == y)
            {
                return;
            }

            // The strongest role held decides first; at equal strength a role more is wider.
            var (strongestX, strongestY) = (BitOperations.TrailingZeroCount((uint)x), BitOperations.TrailingZeroCount((uint)y));
            var wider = strongestY != strongestX ? strongestY < strongestX : (y & ~x) != 0;
            found.Add(new AspectChange(aspect, wider ? ChangeDirection.Widens : ChangeDirection.Narrows,
                RoleNames((byte)(y & ~x)), RoleNames((byte)(x & ~y)), Describe(x), Describe(y)));
        }

        static string Describe(byte roles) => roles == 0 ? "none" : Roles.Describe(roles);
    }

    private static byte Held(StepAssignment? step, int partner)
    {
        byte roles = 0;
        if (step is not null)
        {
            for (var r = 0; r < Roles.Count; r++)
            {
                if ((step.PartnersByRole[r] & (1UL << partner)) != 0)
                {
                    roles |= (byte)(1 << r);
                }
            }
        }

        return roles;
    }

    private static string[] RoleNames(byte mask) => Names(mask, Roles.Names);

    /// <summary>A case status as a set of the two: <c>any</c> (null) is open and closed; an absent rule neither.</summary>
    private static AspectChange? Status(bool hasX, CaseStatus? x, bool hasY, CaseStatus? y)
    {
        static ulong Mask(bool has, CaseStatus? s) => !has ? 0UL : s switch
        {
            CaseStatus.Open => 0b01UL,
            CaseStatus.Closed => 0b10UL,
            _ => 0b11UL,
        };

        static string? Text(bool has, CaseStatus? s) => !has ? null : s switch
        {
            CaseStatus.Open => "open",
            CaseStatus.Closed => "closed",
            _ => "any",
        };

        return Set("status", Mask(hasX, x), Mask(hasY, y), StatusNames) is { } change
            ? change with { Before = Text(hasX, x), After = Text(hasY, y) }
            : null;
    }

    /// <summary>Case data is wider than the anonymous evaluation record, which is wider than aggregated figures.</summary>
    private static AspectChange? Scope(ReleaseScope? x, ReleaseScope? y)
    {
        static int Rank(ReleaseScope? s) => s switch
        {
            null => -1,
            ReleaseScope.Aggregate => 0,
            ReleaseScope.EvaluationRecord => 1,
            _ => 2,
        };

        return x == y
            ? null
            : new AspectChange("scope", Rank(y) > Rank(x) ? ChangeDirection.Widens : ChangeDirection.Narrows, [], [], x?.Name(), y?.Name());
    }

    /// <summary>What entered and left a set of names; more is wider unless <paramref name="moreIsWider"/> says the set restricts (duties).</summary>
    private static AspectChange? Set(string aspect, ulong before, ulong after, IReadOnlyList<string> names, bool moreIsWider = true)
    {
        if (before == after)
        {
            return null;
        }

        var (added, removed) = (after & ~before, before & ~after);
        var wider = (moreIsWider ? added : removed) != 0;
        return new AspectChange(aspect, wider ? ChangeDirection.Widens : ChangeDirection.Narrows, Names(added, names), Names(removed, names));
    }

    private static string[] Names(ulong mask, IReadOnlyList<string> names) =>
        [.. Enumerable.Range(0, names.Count).Where(i => (mask & (1UL << i)) != 0).Select(i => names[i])];

    private static List<AspectChange> Present(params AspectChange?[] aspects) => [.. aspects.OfType<AspectChange>()];
}
