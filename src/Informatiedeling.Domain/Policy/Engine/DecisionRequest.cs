using System.Collections.Immutable;

namespace Informatiedeling.Policy.Engine;

/// <summary>
/// Who asks what: the partner, its RASCI role on the case (null for none), the case's step and status, the
/// declared purpose, the categories wanted (default: all), the moment, the end of a shell partner's invitation,
/// and whether a written justification accompanies the request.
/// </summary>
public readonly record struct DecisionRequest(
    PartnerId Partner,
    Role? Role,
    StepId? Step,
    CaseStatus Status,
    PurposeId Purpose,
    ImmutableArray<CategoryId> Categories,
    DateTimeOffset At,
    DateTimeOffset? InvitedUntil = null,
    bool HasJustification = false);

/// <summary>Which kind of identifier the convenant did not know.</summary>
public enum IdentifierKind : byte
{
    None,
    Partner,
    Role,
    Step,
    Category,
    Purpose,
    CaseStatus,
    Action,
}
