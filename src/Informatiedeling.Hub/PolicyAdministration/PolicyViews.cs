using Informatiedeling.Policy.Administration;

namespace Informatiedeling.Hub.PolicyAdministration;

/// <summary>What a proposal asks (<c>POST /policy/proposals</c>, <c>PUT /policy/proposals/{id}</c>).</summary>
/// <param name="Title">What the change is for, in a line (1 to 200 characters).</param>
/// <param name="Files">Files to add or replace, by name (<c>purposes.yaml</c>, <c>tests/roles.yaml</c>) with their whole text; the others stay as they are.</param>
/// <param name="Remove">Files to leave out, by name.</param>
/// <param name="From">Only for a new proposal: start from this earlier version (its content hash) instead of the version in force, e.g. to roll back.</param>
public sealed record ProposalRequest(string? Title, Dictionary<string, string?>? Files = null, List<string?>? Remove = null, string? From = null);

/// <summary>A privacy officer's approval of one revision, acknowledging any widening explicitly.</summary>
public sealed record ApprovalRequest(int? Revision, bool? AcknowledgeWidening = null);

/// <summary>Why a privacy officer rejects a proposal (about the rules, never about a person).</summary>
public sealed record RejectionRequest(string? Reason);

/// <summary>Activation of an approved revision: at once, or from <see cref="At"/> (an ISO 8601 instant in the future).</summary>
public sealed record ActivationRequest(int? Revision, string? At = null);

/// <summary>A person acting by function: their partner and their user id at that partner's identity provider.</summary>
public sealed record Actor(string Partner, string User);

/// <summary>The version every instance decides under now, and an activation scheduled after it, if any.</summary>
public sealed record ActivePolicy(
    string ContentHash, string ConvenantId, string ConvenantVersion, DateTimeOffset Since, long? Proposal, ScheduledActivation? Scheduled);

public sealed record ScheduledActivation(string ContentHash, DateTimeOffset At, long? Proposal);

/// <summary>A stored version: its hash, when it was first stored, its convenant version, and whether it is in force now.</summary>
public sealed record VersionSummary(string ContentHash, DateTimeOffset FirstStoredAt, string ConvenantVersion, bool InForce);

/// <summary>A version's files (the convenant included) and its policy tests, as <c>infodeel policy pull</c> writes them.</summary>
public sealed record VersionFiles(string ContentHash, IReadOnlyDictionary<string, string> Files, IReadOnlyDictionary<string, string> Tests);

public sealed record VersionList(IReadOnlyList<VersionSummary> Versions, IReadOnlyList<ActivationSummary> Activations);

public sealed record ActivationSummary(long Seq, string ContentHash, DateTimeOffset EffectiveAt, long? Proposal, Actor By);

/// <summary>A proposal in a list: where it stands.</summary>
public sealed record ProposalSummary(
    long Id, int Revision, string Status, string Title, Actor Author, string ContentHash, string BaseHash, bool Widens,
    bool Replayed, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record ProposalList(IReadOnlyList<ProposalSummary> Proposals);

/// <summary>
/// A proposal in full: its files, the diff by meaning and by text against the version it was made on, the impact
/// replayed for its current revision (if run), and the decisions on it.
/// </summary>
public sealed record ProposalDetail(
    ProposalSummary Proposal,
    int TestsPassed,
    IReadOnlyDictionary<string, string> Files,
    PolicyDiff Diff,
    IReadOnlyList<FileChange> TextDiff,
    Informatiedeling.Policy.Replay.ImpactReport? Impact,
    ProposalDecision? Decision);

/// <summary>Who approved (and which revision, widening acknowledged) or rejected (why), when; and from when it is in force.</summary>
public sealed record ProposalDecision(
    Actor By, DateTimeOffset At, int? ApprovedRevision, bool WideningAcknowledged, string? Reason, DateTimeOffset? EffectiveAt);
