using System.Collections.Immutable;
using Informatiedeling.Policy.Yaml;

namespace Informatiedeling.Policy;

/// <summary>Which rule decided, the convenant article behind it, and where the rule is written.</summary>
public sealed record RuleRef(string Id, string Article, SourcePosition Position);

/// <summary>Who may act under a purpose, in which steps and case status (art. 3).</summary>
public sealed record PurposeRule(
    RuleRef Rule,
    int Purpose,
    ulong Partners,
    ulong Steps,
    CaseStatus? Status,
    byte Roles,
    ReleaseScope Scope)
{
    /// <summary>No restriction on the role beyond holding one (for purposes on one case).</summary>
    public const byte AnyRole = 0b1_1111;
}

/// <summary>
/// Who may do something to a client file (art. 5.6): these partners, holding one of these roles in one of these
/// steps of a case in <see cref="Status"/> (open unless the rule says otherwise; null for open or closed, as a
/// legal hold, art. 8.5, which matters most after closure). <see cref="Roles"/> 0 means no role on the case is
/// needed (taking in a report).
/// </summary>
public sealed record ActionRule(RuleRef Rule, int Action, ulong Partners, byte Roles, ulong Steps, CaseStatus? Status = CaseStatus.Open);

/// <summary>The data categories a RASCI role may see (art. 6).</summary>
public sealed record RoleView(RuleRef Rule, Role Role, ulong Categories);

/// <summary>A fenced category: released only to these partners, in these roles, under these purposes (art. 7.1, 7.2).</summary>
public sealed record CategoryFence(RuleRef Rule, int Category, ulong Partners, byte Roles, ulong Purposes);

/// <summary>The most a purpose may release, whether it needs a justification, and the duties a release carries (art. 7.3, 7.4).</summary>
public sealed record PurposeFence(RuleRef Rule, int Purpose, ulong Categories, bool JustificationRequired, Obligations Obligations);

/// <summary>A case in this status releases only under these purposes (art. 7.5).</summary>
public sealed record StatusFence(RuleRef Rule, CaseStatus Status, ulong Purposes);

/// <summary>How many days after closure a category is destroyed (art. 8).</summary>
public sealed record RetentionRule(RuleRef Rule, int Category, int Days);

/// <summary>The default RASCI of one step; <see cref="ShellRoles"/> are the roles invited shell partners get.</summary>
public sealed record StepAssignment(int Step, ImmutableArray<ulong> PartnersByRole, byte ShellRoles)
{
    /// <summary>The strongest role (R before A … before I) the partner holds in this step, or null for none.</summary>
    public Role? RoleOf(int partner)
    {
        for (var r = 0; r < Roles.Count; r++)
        {
            if ((PartnersByRole[r] & (1UL << partner)) != 0)
            {
                return (Role)r;
            }
        }

        return null;
    }

    /// <summary>Every role the partner holds in this step (a partner may be both R and A, as the reporting point in melding).</summary>
    public IEnumerable<Role> RolesOf(int partner)
    {
        for (var r = 0; r < Roles.Count; r++)
        {
            if ((PartnersByRole[r] & (1UL << partner)) != 0)
            {
                yield return (Role)r;
            }
        }
    }
}

/// <summary>The RASCI assignment a new case starts from (art. 5.2).</summary>
public sealed record DefaultRasci(RuleRef Rule, ImmutableArray<StepAssignment> Steps);

public enum FieldType : byte
{
    Text,
    Date,
    Boolean,
    Integer,
    Enum,
}

/// <summary>A field of the client file, in exactly one category (art. 4.6).</summary>
public sealed record FieldDefinition(
    string Id,
    string Label,
    int Category,
    FieldType Type,
    ImmutableArray<string> Values,
    bool Evaluation,
    SourcePosition Position)
{
    public string Section => Id[..Id.IndexOf('.', StringComparison.Ordinal)];
}

/// <summary>The sharing rules of one kind of source: the convenant's bounds or a policy set.</summary>
public sealed record RuleSections(
    ImmutableArray<PurposeRule> Purposes,
    ImmutableArray<RoleView> RoleViews,
    ImmutableArray<CategoryFence> CategoryFences,
    ImmutableArray<PurposeFence> PurposeFences,
    ImmutableArray<StatusFence> StatusFences,
    ImmutableArray<RetentionRule> Retention,
    DefaultRasci? Rasci,
    ImmutableArray<FieldDefinition> Fields,
    ImmutableArray<ActionRule> Actions)
{
    /// <summary>Where each section starts (or the policy folder when it is missing), for errors about a whole section.</summary>
    public IReadOnlyDictionary<string, SourcePosition> SectionPositions { get; init; } = new Dictionary<string, SourcePosition>();
}
