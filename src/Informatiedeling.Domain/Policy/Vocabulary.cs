using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Informatiedeling.Policy;

/// <summary>One kind of identifier the convenant defines, each known name with its index (at most 64).</summary>
public sealed class NameTable
{
    public const int MaxNames = 64;

    private readonly FrozenDictionary<string, int> _index;

    public NameTable(string kind, IEnumerable<string> names)
    {
        Kind = kind;
        Names = [.. names];
        _index = Names.Select((n, i) => KeyValuePair.Create(n, i)).ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>What these names are, for messages: "partner", "step", …</summary>
    public string Kind { get; }

    public ImmutableArray<string> Names { get; }

    public int Count => Names.Length;

    public ulong All => Count == 64 ? ulong.MaxValue : (1UL << Count) - 1;

    public bool TryGetIndex(string name, out int index) => _index.TryGetValue(name, out index);

    public string Describe(ulong mask) =>
        mask == 0 ? "none" : string.Join(", ", Enumerable.Range(0, Count).Where(i => (mask & (1UL << i)) != 0).Select(i => Names[i]));
}

/// <summary>A partner group of the convenant: <c>core</c>, <c>shell</c>, <c>investigative</c>.</summary>
public sealed record PartnerGroup(string Name, ulong Members, string Article, bool InvitationRequired);

/// <summary>A purpose with the legal ground the convenant gives it.</summary>
public sealed record PurposeDefinition(string Name, string Article, string LegalGround);

/// <summary>How the law classes the data of a category, as the convenant's <c>sensitivity</c> names it.</summary>
public enum CategorySensitivity : byte
{
    /// <summary><c>persoonsgegevens</c>: personal data.</summary>
    Personal,

    /// <summary><c>bijzondere-persoonsgegevens</c>: special categories of personal data (GDPR art. 9).</summary>
    Special,

    /// <summary><c>strafrechtelijke-gegevens</c>: criminal-offence data (GDPR art. 10).</summary>
    Criminal,

    /// <summary><c>identiteit-melder</c>: who reported.</summary>
    ReporterIdentity,
}

/// <summary>A data category, with how sensitive it is and whether only a fence can open it.</summary>
public sealed record CategoryDefinition(string Name, string Article, CategorySensitivity Sensitivity, bool Fenced);

/// <summary>Everything the convenant names: partners and their groups, steps, categories, purposes, articles.</summary>
public sealed class Vocabulary
{
    public required string ConvenantId { get; init; }

    public required string ConvenantVersion { get; init; }

    public required FrozenDictionary<string, string> Articles { get; init; }

    public required NameTable Partners { get; init; }

    public required FrozenDictionary<string, PartnerGroup> Groups { get; init; }

    public required NameTable Steps { get; init; }

    public required NameTable Categories { get; init; }

    public required ImmutableArray<CategoryDefinition> CategoryDefinitions { get; init; }

    public required NameTable Purposes { get; init; }

    public required ImmutableArray<PurposeDefinition> PurposeDefinitions { get; init; }

    public required ImmutableArray<string> ClosureReasons { get; init; }

    /// <summary>What may be done to a client file (art. 5.6).</summary>
    public required NameTable Actions { get; init; }

    public required ImmutableArray<string> PartnerNames { get; init; }

    /// <summary>Articles behind the decisions made before any rule: unknown identifiers, no role, invitations, purpose binding.</summary>
    public required DefaultArticles Defaults { get; init; }

    /// <summary>Partners that hold a role on a case only while invited (the flexible shell).</summary>
    public ulong InvitationRequired => Groups.Values.Where(g => g.InvitationRequired).Aggregate(0UL, (m, g) => m | g.Members);

    public ulong FencedCategories =>
        CategoryDefinitions.Select((c, i) => c.Fenced ? 1UL << i : 0).Aggregate(0UL, (a, b) => a | b);

    /// <summary>Categories of special personal data (GDPR art. 9): a release of any of them is logged as such.</summary>
    public ulong SpecialCategories =>
        CategoryDefinitions.Select((c, i) => c.Sensitivity == CategorySensitivity.Special ? 1UL << i : 0).Aggregate(0UL, (a, b) => a | b);
}

public sealed record DefaultArticles(string Unknown, string NoRole, string Invitation, string PurposeRequired);
