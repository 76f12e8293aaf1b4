using System.Collections.Immutable;

namespace Informatiedeling.Policy;

/// <summary>
/// A validated, complete policy set within the convenant's bounds, identified by the hash of its sources
/// so that any logged decision can be replayed on exactly these rules.
/// </summary>
public sealed class PolicySet
{
    public required Vocabulary Vocabulary { get; init; }

    public required RuleSections Rules { get; init; }

    /// <summary>Lowercase hex SHA-256 over the canonical bundle of convenant and policy files.</summary>
    public required string ContentHash { get; init; }

    /// <summary>The sources this set was loaded from, as a canonical JSON document (stored for replay).</summary>
    public required string Bundle { get; init; }

    public ImmutableArray<FieldDefinition> Fields => Rules.Fields;

    public FieldDefinition? FindField(string id) => Rules.Fields.FirstOrDefault(f => string.Equals(f.Id, id, StringComparison.Ordinal));
}
