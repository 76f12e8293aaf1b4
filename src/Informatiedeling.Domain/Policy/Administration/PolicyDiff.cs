using System.Text.Json.Serialization;

namespace Informatiedeling.Policy.Administration;

/// <summary>Whether a change lets more through (more partners, longer retention, a fence removed), less, or neither.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChangeDirection>))]
public enum ChangeDirection
{
    /// <summary>Someone may now receive, do or keep something they could not before.</summary>
    [JsonStringEnumMemberName("widens")]
    Widens,

    /// <summary>Only takes away: nobody gains anything by it.</summary>
    [JsonStringEnumMemberName("narrows")]
    Narrows,

    /// <summary>Changes nothing anyone may receive, do or keep: a renamed rule, another article, a field's type.</summary>
    [JsonStringEnumMemberName("neutral")]
    Neutral,
}

/// <summary>
/// One aspect of a rule that changed, in names of the convenant's vocabulary (never bits): <see cref="Aspect"/> is a
/// stable English key ("partners", "steps", "days", "partner:politie", …) the pages translate. <see cref="Added"/> and
/// <see cref="Removed"/> name what entered or left a set; <see cref="Before"/> and <see cref="After"/> carry a single
/// value (a case status, a scope, a number of days, the roles a partner holds), null where the rule did not exist.
/// </summary>
public sealed record AspectChange(
    string Aspect,
    ChangeDirection Direction,
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Removed,
    string? Before = null,
    string? After = null);

/// <summary>Whether a rule is new, gone, or there in both sets with other contents.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RuleChangeKind>))]
public enum RuleChangeKind
{
    [JsonStringEnumMemberName("added")]
    Added,
    [JsonStringEnumMemberName("removed")]
    Removed,
    [JsonStringEnumMemberName("changed")]
    Changed,
}

/// <summary>
/// A rule of a section ("purposes", "roleViews", "fences", "retention", "defaultRasci", "fields", "actions") that
/// differs between two policy sets. <see cref="RuleId"/> is the rule's id in the newer set (the older one's when
/// the rule is gone), a field's id, or <c>rasci:&lt;step&gt;</c> for a step of the default RASCI.
/// </summary>
public sealed record RuleChange(string Section, string RuleId, string? Article, RuleChangeKind Kind, IReadOnlyList<AspectChange> Aspects)
{
    /// <summary>True when any aspect lets more through: the change needs the closest look.</summary>
    public bool Widens => Aspects.Any(a => a.Direction == ChangeDirection.Widens);
}

/// <summary>What a proposed policy set changes by meaning, rule by rule; empty when the two sets decide alike.</summary>
public sealed record PolicyDiff(IReadOnlyList<RuleChange> Changes)
{
    /// <summary>True when any rule lets more through than before.</summary>
    public bool Widens => Changes.Any(c => c.Widens);

    public bool IsEmpty => Changes.Count == 0;
}
