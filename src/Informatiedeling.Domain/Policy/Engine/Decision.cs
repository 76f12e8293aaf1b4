using System.Runtime.CompilerServices;

namespace Informatiedeling.Policy.Engine;

/// <summary>The overall answer: everything requested released, some of it, or nothing.</summary>
public enum DecisionOutcome : byte
{
    Deny,
    Partial,
    Permit,
}

/// <summary>
/// A decision on one request: per requested category permit or deny with its explanation, the rule and article
/// that governed the request, obligations, and whether the case must be answered as if it did not exist.
/// A value type over precompiled explanations: deciding allocates nothing.
/// </summary>
public readonly struct Decision
{
    /// <summary>The most data categories a convenant may define (per-category answers are kept inline).</summary>
    public const int MaxCategories = 16;

    private readonly ExplanationBuffer _byCategory;

    internal Decision(
        ulong requested,
        ulong permitted,
        Explanation rule,
        ReleaseScope scope,
        bool scopeReleased,
        Obligations obligations,
        bool caseHidden,
        in ExplanationBuffer byCategory,
        IdentifierKind unknownKind = IdentifierKind.None,
        string? unknownValue = null)
    {
        Requested = requested;
        Permitted = permitted;
        Rule = rule;
        Scope = scope;
        ScopeReleased = scopeReleased;
        Obligations = obligations;
        CaseHidden = caseHidden;
        _byCategory = byCategory;
        UnknownKind = unknownKind;
        UnknownValue = unknownValue;
    }

    /// <summary>Bit i set: category i of the vocabulary was requested.</summary>
    public ulong Requested { get; }

    /// <summary>Bit i set: category i is released.</summary>
    public ulong Permitted { get; }

    public ulong Denied => Requested & ~Permitted;

    /// <summary>The rule (and article) that governed the request as a whole.</summary>
    public Explanation Rule { get; }

    /// <summary>What the purpose releases: one case's data, the anonymous evaluation record, or aggregated figures.</summary>
    public ReleaseScope Scope { get; }

    /// <summary>For evaluation and monitoring: whether the evaluation record or the aggregated figures are released.</summary>
    public bool ScopeReleased { get; }

    public Obligations Obligations { get; }

    /// <summary>The partner holds no role on the case: answer exactly as for a case that does not exist.</summary>
    public bool CaseHidden { get; }

    public IdentifierKind UnknownKind { get; }

    /// <summary>The identifier the convenant did not know, as the requester wrote it.</summary>
    public string? UnknownValue { get; }

    public DecisionOutcome Outcome
    {
        get
        {
            var released = Permitted != 0 || ScopeReleased;
            var withheld = Denied != 0;
            return !released ? DecisionOutcome.Deny : withheld ? DecisionOutcome.Partial : DecisionOutcome.Permit;
        }
    }

    public bool IsPermitted(int category) => (Permitted & (1UL << category)) != 0;

    /// <summary>The explanation of one requested category: the rule that released or withheld it.</summary>
    public Explanation ExplanationFor(int category) => _byCategory[category] ?? Rule;

    /// <summary>The sentence for a partner, with an unknown identifier named where that was the reason.</summary>
    public string Describe(Explanation explanation) => explanation.Reason switch
    {
        DecisionReason.UnknownIdentifier when UnknownValue is { Length: > 0 } =>
            $"unknown {KindName} '{Identifier.Echo(UnknownValue)}': {explanation.Text}",
        DecisionReason.UnknownIdentifier => $"no {KindName} given: {explanation.Text}",
        _ => explanation.Text,
    };

    private string KindName => UnknownKind == IdentifierKind.CaseStatus ? "case status" : UnknownKind.ToString().ToLowerInvariant();
}

[InlineArray(Decision.MaxCategories)]
internal struct ExplanationBuffer
{
    private Explanation? _element;
}
