namespace Informatiedeling.Policy.Engine;

/// <summary>
/// Whether a partner may do something to a client file, the rule and article that decided it, and whether the
/// case must be answered as if it did not exist (no role on it).
/// </summary>
public readonly record struct ActionDecision(bool Permitted, Explanation Rule, bool CaseHidden, IdentifierKind UnknownKind = IdentifierKind.None, string? UnknownValue = null)
{
    public string Describe() => UnknownKind == IdentifierKind.None
        ? Rule.Text
        : $"unknown {UnknownKind.ToString().ToLowerInvariant()} '{Identifier.Echo(UnknownValue)}': {Rule.Text}";
}
