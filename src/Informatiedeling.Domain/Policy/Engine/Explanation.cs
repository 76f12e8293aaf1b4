namespace Informatiedeling.Policy.Engine;

/// <summary>Why a category was released or withheld, or why a whole request was decided as it was.</summary>
public enum DecisionReason : byte
{
    Granted,
    UnknownIdentifier,
    NoRole,
    InvitationEnded,
    CaseStatusFenced,
    PurposeNotForPartner,
    PurposeNotInStep,
    PurposeNotForCaseStatus,
    PurposeNotForRole,
    JustificationMissing,
    AggregateOnly,
    EvaluationRecordOnly,
    NotReleasedForPurpose,
    OutsideRoleView,
    Fenced,
}

/// <summary>
/// One explanation, made once when the policy set is compiled: the rule, the convenant article behind it and
/// a sentence a partner can read, in English for systems and logs and in Dutch for the people on the pages.
/// Decisions only point at these, so deciding allocates nothing.
/// </summary>
public sealed class Explanation(string ruleId, string article, DecisionReason reason, string text, string dutch)
{
    public string RuleId { get; } = ruleId;

    public string Article { get; } = article;

    public DecisionReason Reason { get; } = reason;

    public string Text { get; } = text;

    /// <summary>The same sentence in Dutch, in the convenant's own terms, for a case worker.</summary>
    public string Dutch { get; } = dutch;

    public bool Permits => Reason == DecisionReason.Granted;

    public override string ToString() => $"{Text} ({RuleId}, art. {Article})";
}
