using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.Policy;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Administration;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Policy.Loading;
using Informatiedeling.Policy.Replay;
using Informatiedeling.Storage;
using Informatiedeling.Storage.Policy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Informatiedeling.Hub.PolicyAdministration;

/// <summary>
/// Changing the sharing rules with four eyes. The functional administrator proposes a changed set of files; the hub
/// validates it under its own convenant (file, line and column), runs its policy tests, and shows the diff by meaning
/// against the version in force. The impact is replayed over the recorded decisions. A privacy officer who is not the
/// author approves one revision (acknowledging any widening) or rejects it with a reason; a change of the files voids
/// the approval. An approved revision is activated at once or from a set moment, for every instance alike. Every step
/// is recorded in the access log before it takes effect; a refused step changes nothing.
/// </summary>
internal sealed class PolicyProposals(
    Gate gate,
    IDbContextFactory<HubDbContext> factory,
    PolicyVersionStore versions,
    PolicyVersionCache sets,
    PolicyImpact impact,
    PolicyLoading loading,
    IOptions<PolicyOptions> options,
    TimeProvider time)
{
    public static readonly AccessRoute ActiveRoute = new("policy.active");
    public static readonly AccessRoute VersionsRoute = new("policy.versions", PrivacyOfficerOnly: true, FunctionalAdministrators: true);
    public static readonly AccessRoute VersionRoute = new("policy.version", PrivacyOfficerOnly: true, FunctionalAdministrators: true);
    public static readonly AccessRoute ListRoute = new("policy.proposals", PrivacyOfficerOnly: true, FunctionalAdministrators: true);
    public static readonly AccessRoute ShowRoute = new("policy.proposal", PrivacyOfficerOnly: true, FunctionalAdministrators: true);
    public static readonly AccessRoute ProposeRoute = new("policy.propose", Kind: AccessEventKind.PolicyChange, FunctionalAdministrators: true);
    public static readonly AccessRoute ReviseRoute = new("policy.revise", Kind: AccessEventKind.PolicyChange, FunctionalAdministrators: true);
    public static readonly AccessRoute ReplayRoute = new("policy.replay", Kind: AccessEventKind.PolicyChange, PrivacyOfficerOnly: true, FunctionalAdministrators: true);
    public static readonly AccessRoute ApproveRoute = new("policy.approve", Kind: AccessEventKind.PolicyChange, PrivacyOfficerOnly: true);
    public static readonly AccessRoute RejectRoute = new("policy.reject", Kind: AccessEventKind.PolicyChange, PrivacyOfficerOnly: true);
    public static readonly AccessRoute ActivateRoute = new("policy.activate", Kind: AccessEventKind.PolicyPublished, PrivacyOfficerOnly: true, FunctionalAdministrators: true);

    public const int MaxTitleLength = 200;
    public const int MaxReasonLength = 2000;

    /// <summary>The furthest ahead an activation may be set: a scheduled activation blocks every other until it takes effect.</summary>
    public static readonly TimeSpan MaxScheduleAhead = TimeSpan.FromDays(92);

    internal static class Status
    {
        /// <summary>Stored, its records not yet durable: not shown and not usable (a proposal whose record could not be written).</summary>
        public const string Recording = "recording";
        public const string Open = "open";
        public const string Approved = "approved";
        public const string Scheduled = "scheduled";
        public const string Activated = "activated";
        public const string Rejected = "rejected";
    }

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) } };

    public async Task<Ok<ActivePolicy>> ActiveAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var access = gate.Enter(user, ActiveRoute);
        var set = access.Engine.Set;
        var activations = await versions.ActivationsAsync(cancellationToken);
        var now = access.Now.ToUnixTimeMilliseconds();
        var current = activations.Where(a => a.EffectiveAt <= now).OrderByDescending(a => a.EffectiveAt).ThenByDescending(a => a.Seq).FirstOrDefault();
        var next = activations.Where(a => a.EffectiveAt > now).OrderBy(a => a.EffectiveAt).ThenBy(a => a.Seq).FirstOrDefault();
        return TypedResults.Ok(new ActivePolicy(
            set.ContentHash, set.Vocabulary.ConvenantId, set.Vocabulary.ConvenantVersion,
            current is null ? access.Now : DateTimeOffset.FromUnixTimeMilliseconds(current.EffectiveAt), current?.ProposalId,
            next is null ? null : new ScheduledActivation(next.ContentHash, DateTimeOffset.FromUnixTimeMilliseconds(next.EffectiveAt), next.ProposalId)));
    }

    public async Task<Results<Ok<VersionList>, ForbiddenProblem>> VersionsAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterByFunctionAsync(user, VersionsRoute, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        var inForce = access.Engine.Set.ContentHash;
        var stored = await versions.VersionsAsync(cancellationToken);
        var activations = await versions.ActivationsAsync(cancellationToken);
        return TypedResults.Ok(new VersionList(
            [.. stored.Select(v => new VersionSummary(v.ContentHash, v.FirstLoadedAt, v.ConvenantVersion, v.ContentHash == inForce))],
            [.. activations.Select(a => new ActivationSummary(a.Seq, a.ContentHash, DateTimeOffset.FromUnixTimeMilliseconds(a.EffectiveAt), a.ProposalId, new Actor(a.ActorPartner, a.ActorUser)))]));
    }

    public async Task<Results<Ok<VersionFiles>, ForbiddenProblem, NotFoundProblem>> VersionAsync(ClaimsPrincipal user, string hash, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterByFunctionAsync(user, VersionRoute, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        if (hash == "active")
        {
            hash = access.Engine.Set.ContentHash;
        }

        var version = IsHash(hash) ? await versions.VersionAsync(hash, cancellationToken) : null;
        return version is null
            ? new NotFoundProblem(Problems.NotFound("Version not found", "There is no stored policy version with this content hash."))
            : TypedResults.Ok(new VersionFiles(version.ContentHash, PolicyBundle.Files(version.Bundle), TestFiles.FromJson(version.Tests)));
    }

    public async Task<Results<Ok<ProposalList>, ForbiddenProblem>> ListAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterByFunctionAsync(user, ListRoute, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.PolicyProposals.AsNoTracking().Where(p => p.Status != Status.Recording).OrderByDescending(p => p.Id).Take(500).ToListAsync(cancellationToken);
        return TypedResults.Ok(new ProposalList([.. rows.Select(Summary)]));
    }

    public async Task<Results<Ok<ProposalDetail>, ForbiddenProblem, NotFoundProblem>> ShowAsync(ClaimsPrincipal user, string id, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterByFunctionAsync(user, ShowRoute, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        var row = await FindAsync(id, cancellationToken);
        return row is null ? ProposalNotFound() : TypedResults.Ok(await DetailAsync(row, cancellationToken));
    }

    /// <summary>A new proposal, on the version in force (or on an earlier version named in <c>from</c>: a rollback).</summary>
    public async Task<Results<Created<ProposalDetail>, BadRequestProblem, ForbiddenProblem, NotFoundProblem, ConflictProblem>> ProposeAsync(
        ClaimsPrincipal user, ProposalRequest? request, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterByFunctionAsync(user, ProposeRoute, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        if (Malformed(request, isNew: true) is { Count: > 0 } malformed)
        {
            return await gate.InvalidAsync(access, "The proposal is incomplete", malformed, cancellationToken);
        }

        var baseHash = access.Engine.Set.ContentHash;
        var startHash = request!.From ?? baseHash;
        var start = await versions.VersionAsync(startHash, cancellationToken);
        if (start is null)
        {
            return await MissingAsync(access, "Version not found", "There is no stored policy version with the content hash in 'from'.", "proposal=new", cancellationToken);
        }

        var files = ProposalFiles(start);
        Apply(files, request);
        var validated = Validate(files);
        if (!validated.Succeeded)
        {
            return await InvalidProposalAsync(access, "proposal=new", validated, cancellationToken);
        }

        var set = validated.Set!;
        var baseSet = await sets.SetAsync(baseHash, cancellationToken);
        if (set.ContentHash == baseHash)
        {
            // Tests alone are no new version: they are kept with the rules they test, and these rules are in force.
            await gate.RecordAsync(access, AccessDecision.Error, null, cancellationToken, subject: Subject("new", 0, set.ContentHash, baseHash));
            return Problems.BadRequest("The proposal changes nothing", "The files are those of the version in force.");
        }

        var diff = SemanticDiff.Compare(baseSet, set);
        var now = access.Now.ToUnixTimeMilliseconds();
        var caller = access.Caller;
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = new PolicyProposalRow
        {
            Revision = 1,
            Status = Status.Recording,
            Title = request.Title!.Trim(),
            AuthorPartner = caller.Partner,
            AuthorUser = caller.User ?? "",
            BaseHash = baseHash,
            ContentHash = set.ContentHash,
            Files = JsonSerializer.Serialize(new SortedDictionary<string, string>(files, StringComparer.Ordinal), Json),
            TestsPassed = validated.TestsPassed,
            Diff = JsonSerializer.Serialize(diff, Json),
            Widens = diff.Widens,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.PolicyProposals.Add(row);
        await db.SaveChangesAsync(cancellationToken);

        // The proposal is there for others only once the log holds its records: proposed, and validated.
        var subject = Subject(row.Id, row.Revision, row.ContentHash, baseHash);
        await gate.RecordAsync(access, AccessDecision.Permit, null, cancellationToken, subject: subject + (request.From is null ? "" : $";from={request.From}"));
        await RecordValidatedAsync(access, row, cancellationToken);
        row.Status = Status.Open;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/policy/proposals/{row.Id}", await DetailAsync(row, cancellationToken));
    }

    /// <summary>A new revision of an open or approved proposal, by its author: validated again, and any approval void.</summary>
    public async Task<Results<Ok<ProposalDetail>, BadRequestProblem, ForbiddenProblem, NotFoundProblem, ConflictProblem>> ReviseAsync(
        ClaimsPrincipal user, string id, ProposalRequest? request, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterByFunctionAsync(user, ReviseRoute, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        if (Malformed(request, isNew: false) is { Count: > 0 } malformed)
        {
            return await gate.InvalidAsync(access, "The revision is incomplete", malformed, cancellationToken);
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await FindAsync(db, id, cancellationToken);
        if (row is null)
        {
            return await MissingAsync(access, "Proposal not found", "There is no proposal with this number.", ProposalSubject(id), cancellationToken);
        }

        var subject = Subject(row.Id, row.Revision, row.ContentHash, row.BaseHash);
        if (!IsAuthor(access.Caller, row))
        {
            await gate.RecordAsync(access, AccessDecision.Deny, null, cancellationToken, subject: subject);
            return new ForbiddenProblem(Problems.ForbiddenList("Not your proposal", ["only its author changes a proposal; propose your own change instead"]));
        }

        if (row.Status is not (Status.Open or Status.Approved))
        {
            return await ConflictAsync(access, subject, "The proposal is decided", $"A proposal that is {row.Status} is not changed any more; propose anew.", cancellationToken);
        }

        var files = JsonSerializer.Deserialize<Dictionary<string, string>>(row.Files, Json)!;
        Apply(files, request!);
        var validated = Validate(files);
        if (!validated.Succeeded)
        {
            return await InvalidProposalAsync(access, subject, validated, cancellationToken);
        }

        var set = validated.Set!;
        var diff = SemanticDiff.Compare(await sets.SetAsync(row.BaseHash, cancellationToken), set);
        var voided = row.Status == Status.Approved;
        row.Revision++;
        row.Title = string.IsNullOrWhiteSpace(request!.Title) ? row.Title : request.Title.Trim();
        row.ContentHash = set.ContentHash;
        row.Files = JsonSerializer.Serialize(new SortedDictionary<string, string>(files, StringComparer.Ordinal), Json);
        row.TestsPassed = validated.TestsPassed;
        row.Diff = JsonSerializer.Serialize(diff, Json);
        row.Widens = diff.Widens;
        row.Impact = null;
        row.ImpactRevision = null;
        row.Status = Status.Open;
        row.ApprovedRevision = null;
        row.WideningAcknowledged = false;
        row.DeciderPartner = null;
        row.DeciderUser = null;
        row.DecidedAt = null;
        row.UpdatedAt = access.Now.ToUnixTimeMilliseconds();

        // Recorded first: the new revision (and the approval it voids) takes effect only once the log holds it.
        await gate.RecordAsync(access, AccessDecision.Permit, null, cancellationToken,
            subject: Subject(row.Id, row.Revision, row.ContentHash, row.BaseHash) + (voided ? ";approval=void" : ""));
        await RecordValidatedAsync(access, row, cancellationToken);
        if (await SavedAsync(db, access, subject, "The proposal changed meanwhile", "Another change of this proposal came first; open it again.", cancellationToken) is { } conflict)
        {
            return conflict;
        }

        return TypedResults.Ok(await DetailAsync(row, cancellationToken));
    }

    /// <summary>Replays the recorded decisions of the replay window under the proposal's current revision, and keeps the report with it.</summary>
    public async Task<Results<Ok<ProposalDetail>, ForbiddenProblem, NotFoundProblem, ConflictProblem>> ReplayAsync(
        ClaimsPrincipal user, string id, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterByFunctionAsync(user, ReplayRoute, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await FindAsync(db, id, cancellationToken);
        if (row is null)
        {
            return await MissingAsync(access, "Proposal not found", "There is no proposal with this number.", ProposalSubject(id), cancellationToken);
        }

        var subject = Subject(row.Id, row.Revision, row.ContentHash, row.BaseHash);
        if (row.Status is not (Status.Open or Status.Approved))
        {
            return await ConflictAsync(access, subject, "The proposal is decided", $"A proposal that is {row.Status} is not replayed any more.", cancellationToken);
        }

        var revision = row.Revision;
        var proposed = ProposedSet(row);
        var report = await impact.ReplayAsync(proposed, access.Now, cancellationToken);
        await gate.RecordAsync(access, AccessDecision.Permit, null, cancellationToken, subject: subject + string.Create(CultureInfo.InvariantCulture,
            $";replayed={report.Replayed};trusted={(report.Trusted ? "yes" : "no")};permit-to-deny={report.Proposal.Total.PermitToDeny};deny-to-permit={report.Proposal.Total.DenyToPermit};categories-changed={report.Proposal.Total.CategoriesChanged}"));
        row.Impact = JsonSerializer.Serialize(report, Json);
        row.ImpactRevision = revision;
        if (await SavedAsync(db, access, subject, "The proposal changed meanwhile", "A new revision came while the replay ran; replay it again.", cancellationToken) is { } conflict)
        {
            return conflict;
        }

        return TypedResults.Ok(await DetailAsync(row, cancellationToken));
    }

    /// <summary>A privacy officer who is not the author approves one revision, after its impact was replayed, acknowledging any widening.</summary>
    public async Task<Results<Ok<ProposalDetail>, BadRequestProblem, ForbiddenProblem, NotFoundProblem, ConflictProblem>> ApproveAsync(
        ClaimsPrincipal user, string id, ApprovalRequest? request, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterByFunctionAsync(user, ApproveRoute, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        if (request?.Revision is not { } revision)
        {
            return await gate.InvalidAsync(access, "The approval is incomplete", ["'revision' is required: the revision of the proposal you reviewed"], cancellationToken);
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await FindAsync(db, id, cancellationToken);
        if (row is null)
        {
            return await MissingAsync(access, "Proposal not found", "There is no proposal with this number.", ProposalSubject(id), cancellationToken);
        }

        var subject = Subject(row.Id, row.Revision, row.ContentHash, row.BaseHash);
        if (IsAuthor(access.Caller, row))
        {
            await gate.RecordAsync(access, AccessDecision.Deny, null, cancellationToken, subject: subject);
            return new ForbiddenProblem(Problems.ForbiddenList("Not your own proposal", ["four eyes: a privacy officer who is not the author approves a change of the sharing rules"]));
        }

        if (row.Status != Status.Open)
        {
            return await ConflictAsync(access, subject, "Not open for approval", $"The proposal is {row.Status}.", cancellationToken);
        }

        if (revision != row.Revision)
        {
            return await ConflictAsync(access, subject, "The proposal changed",
                $"You reviewed revision {revision}; the proposal is at revision {row.Revision} now. Review the changes and approve that revision.", cancellationToken);
        }

        if (row.ImpactRevision != row.Revision)
        {
            return await ConflictAsync(access, subject, "The impact is not replayed", "Replay the recorded decisions under this revision before approving it.", cancellationToken);
        }

        if (row.Widens && request.AcknowledgeWidening != true)
        {
            return await gate.InvalidAsync(access, "The widening is not acknowledged",
                ["'acknowledgeWidening' must be true: this proposal gives a partner more than the version in force (see the diff by meaning)"], cancellationToken);
        }

        row.Status = Status.Approved;
        row.ApprovedRevision = row.Revision;
        row.WideningAcknowledged = row.Widens;
        row.DeciderPartner = access.Caller.Partner;
        row.DeciderUser = access.Caller.User;
        row.DecidedAt = access.Now.ToUnixTimeMilliseconds();
        row.UpdatedAt = row.DecidedAt.Value;
        await gate.RecordAsync(access, AccessDecision.Permit, null, cancellationToken, subject: subject + (row.Widens ? ";widening=acknowledged" : ""));
        if (await SavedAsync(db, access, subject, "The proposal changed", "A new revision came first; review it and approve that one.", cancellationToken) is { } conflict)
        {
            return conflict;
        }

        return TypedResults.Ok(await DetailAsync(row, cancellationToken));
    }

    /// <summary>A privacy officer rejects an open or approved proposal, with a reason; it is final.</summary>
    public async Task<Results<Ok<ProposalDetail>, BadRequestProblem, ForbiddenProblem, NotFoundProblem, ConflictProblem>> RejectAsync(
        ClaimsPrincipal user, string id, RejectionRequest? request, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterByFunctionAsync(user, RejectRoute, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        var reason = request?.Reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > MaxReasonLength || reason.Any(c => char.IsControl(c) && c is not '\n' and not '\r'))
        {
            return await gate.InvalidAsync(access, "The rejection is incomplete",
                [$"'reason' is required: 1 to {MaxReasonLength} characters saying why, about the rules (never about a person)"], cancellationToken);
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await FindAsync(db, id, cancellationToken);
        if (row is null)
        {
            return await MissingAsync(access, "Proposal not found", "There is no proposal with this number.", ProposalSubject(id), cancellationToken);
        }

        var subject = Subject(row.Id, row.Revision, row.ContentHash, row.BaseHash);
        if (row.Status is not (Status.Open or Status.Approved))
        {
            return await ConflictAsync(access, subject, "Not open for a decision", $"The proposal is {row.Status}.", cancellationToken);
        }

        row.Status = Status.Rejected;
        row.Reason = reason;
        row.ApprovedRevision = null;
        row.DeciderPartner = access.Caller.Partner;
        row.DeciderUser = access.Caller.User;
        row.DecidedAt = access.Now.ToUnixTimeMilliseconds();
        row.UpdatedAt = row.DecidedAt.Value;
        await gate.RecordAsync(access, AccessDecision.Permit, null, cancellationToken, subject: subject);
        if (await SavedAsync(db, access, subject, "The proposal changed", "A new revision came first; open it again.", cancellationToken) is { } conflict)
        {
            return conflict;
        }

        return TypedResults.Ok(await DetailAsync(row, cancellationToken));
    }

    /// <summary>
    /// Activates the approved revision for every instance, at once or from a set moment: only on the version it was made
    /// on (else it is revised first), and not while another activation is scheduled. Recorded before it takes effect.
    /// </summary>
    public async Task<Results<Ok<ProposalDetail>, BadRequestProblem, ForbiddenProblem, NotFoundProblem, ConflictProblem>> ActivateAsync(
        ClaimsPrincipal user, string id, ActivationRequest? request, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterByFunctionAsync(user, ActivateRoute, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        var problems = new List<string>();
        if (request?.Revision is null)
        {
            problems.Add("'revision' is required: the approved revision to activate");
        }

        var effective = access.Now;
        if (request?.At is { Length: > 0 } at)
        {
            if (!DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out effective)
                || !at.Contains('T', StringComparison.Ordinal))
            {
                problems.Add("'at' must be an ISO 8601 instant such as 2027-01-01T00:00:00Z, or left out to activate at once");
            }
            else if (effective <= access.Now || effective > access.Now + MaxScheduleAhead)
            {
                problems.Add("'at' must lie in the future, at most 92 days ahead");
            }
        }

        if (problems.Count > 0)
        {
            return await gate.InvalidAsync(access, "The activation is incomplete", problems, cancellationToken);
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await FindAsync(db, id, cancellationToken);
        if (row is null)
        {
            return await MissingAsync(access, "Proposal not found", "There is no proposal with this number.", ProposalSubject(id), cancellationToken);
        }

        var subject = Subject(row.Id, row.Revision, row.ContentHash, row.BaseHash);
        if (row.Status != Status.Approved || row.ApprovedRevision != row.Revision)
        {
            return await ConflictAsync(access, subject, "Not approved",
                "Only a revision a privacy officer who is not its author approved is activated; this one is " + row.Status + ".", cancellationToken);
        }

        if (request!.Revision != row.Revision)
        {
            return await ConflictAsync(access, subject, "The proposal changed", $"The approved revision is {row.Revision}.", cancellationToken);
        }

        // What the checks below see is the activations up to this number; the new one gets the next, and is refused if
        // another activation took that number meanwhile (the checks would then be stale).
        var known = await versions.ActivationsAsync(cancellationToken);
        var next = (known.Count == 0 ? 0 : known.Max(a => a.Seq)) + 1;
        var nowMs = access.Now.ToUnixTimeMilliseconds();
        var inForce = known.Where(a => a.EffectiveAt <= nowMs).OrderByDescending(a => a.EffectiveAt).ThenByDescending(a => a.Seq).FirstOrDefault();
        if (inForce?.ContentHash != row.BaseHash)
        {
            return await ConflictAsync(access, subject, "Other rules are in force",
                "The version this proposal was made on is no longer in force; revise the proposal on the rules in force, so that its diff and impact are true.", cancellationToken);
        }

        var now = access.Now.ToUnixTimeMilliseconds();
        if (known.Any(a => a.EffectiveAt > now))
        {
            return await ConflictAsync(access, subject, "Another activation is scheduled", "Wait until it takes effect, or have it rolled back by a proposal after it.", cancellationToken);
        }

        var set = ProposedSet(row);
        if (set.ContentHash != row.ContentHash)
        {
            // The hub's convenant changed since the proposal was validated: what would come into force is not what was approved.
            return await ConflictAsync(access, subject, "The convenant changed",
                "The proposal no longer gives the set that was approved under the hub's convenant; revise it so that it is validated and approved again.", cancellationToken);
        }

        var files = JsonSerializer.Deserialize<Dictionary<string, string>>(row.Files, Json)!;
        await versions.StoreAsync(set, TestFiles.ToJson(files.Where(f => ProposalValidation.IsTest(f.Key)).ToDictionary()), access.Now, cancellationToken);

        // The proposal is claimed first (a revision made meanwhile wins, and nothing is activated); then the log holds the
        // activation before any instance can decide under it; if either fails the claim is given back.
        row.Status = effective <= access.Now ? Status.Activated : Status.Scheduled;
        row.EffectiveAt = effective.ToUnixTimeMilliseconds();
        row.UpdatedAt = now;
        if (await SavedAsync(db, access, subject, "The proposal changed", "A new revision came first; it needs its own approval.", cancellationToken) is { } conflict)
        {
            return conflict;
        }

        PolicyActivationRow? activation = null;
        try
        {
            await gate.RecordAsync(access, AccessDecision.Permit, null, cancellationToken,
                subject: $"policy-set:{row.ContentHash};{subject};effective={effective.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}");
            activation = await versions.ActivateAsync(row.ContentHash, row.Id, effective, access.Now, access.Caller.Partner, access.Caller.User ?? "", next, cancellationToken);
        }
        finally
        {
            if (activation is null)
            {
                row.Status = Status.Approved;
                row.EffectiveAt = null;
                await db.SaveChangesAsync(CancellationToken.None);
            }
        }

        if (activation is null)
        {
            return await ConflictAsync(access, subject, "Another activation came first", "Open the versions again and revise the proposal if needed.", cancellationToken);
        }

        if (row.Status == Status.Activated)
        {
            // This instance switches at once; the others within Policy:SyncInterval.
            await loading.SyncAsync(cancellationToken);
        }

        return TypedResults.Ok(await DetailAsync(row, cancellationToken));
    }

    /// <summary>Marks scheduled proposals whose moment has come as activated (the instances switch by themselves).</summary>
    internal async Task MarkActivatedAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.PolicyProposals.Where(p => p.Status == Status.Scheduled && p.EffectiveAt <= now)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, Status.Activated), cancellationToken);
    }

    private async Task RecordValidatedAsync(Access.Access access, PolicyProposalRow row, CancellationToken cancellationToken) =>
        await gate.RecordAsync(access with { Route = access.Route with { Operation = "policy.validate" } }, AccessDecision.Permit, null, cancellationToken,
            subject: Subject(row.Id, row.Revision, row.ContentHash, row.BaseHash) + string.Create(CultureInfo.InvariantCulture,
                $";tests={row.TestsPassed};widens={(row.Widens ? "yes" : "no")}"));

    private async Task<BadRequestProblem> InvalidProposalAsync(Access.Access access, string subject, ValidatedProposal validated, CancellationToken cancellationToken)
    {
        await gate.RecordAsync(access with { Route = access.Route with { Operation = "policy.validate" } }, AccessDecision.Error, null, cancellationToken,
            subject: subject + string.Create(CultureInfo.InvariantCulture, $";problems={validated.Problems.Count}"));
        var shown = validated.Problems.Take(200).ToList();
        return new BadRequestProblem(new()
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The proposal is refused; the rules in force stay",
            Detail = string.Join("; ", shown.Take(5).Select(Line)) + (shown.Count > 5 ? $"; and {validated.Problems.Count - 5} more" : ""),
            Extensions = { ["problems"] = shown.Select(Line).ToList(), ["positions"] = shown },
        });

        static string Line(ProposalProblem p) => $"{p.File}:{p.Line}:{p.Column}: error {p.Code}: {p.Message}";
    }

    /// <summary>Saves the proposal's change; another change of it that came first (revision or status) is a 409, recorded, and nothing is saved.</summary>
    private async Task<ConflictProblem?> SavedAsync(HubDbContext db, Access.Access access, string subject, string title, string detail, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return await ConflictAsync(access, subject, title, detail, cancellationToken);
        }
    }

    private async Task<ConflictProblem> ConflictAsync(Access.Access access, string subject, string title, string detail, CancellationToken cancellationToken) =>
        await gate.ConflictAsync(access, title, detail, cancellationToken, subject);

    private async Task<NotFoundProblem> MissingAsync(Access.Access access, string title, string detail, string subject, CancellationToken cancellationToken)
    {
        await gate.RecordAsync(access, AccessDecision.Error, null, cancellationToken, subject: subject);
        return new NotFoundProblem(Problems.NotFound(title, detail));
    }

    private static NotFoundProblem ProposalNotFound() => new(Problems.NotFound("Proposal not found", "There is no proposal with this number."));

    /// <summary>What is wrong with the request itself, before any file is read; each member by name.</summary>
    private static List<string> Malformed(ProposalRequest? request, bool isNew)
    {
        var problems = new List<string>();
        if (request is null)
        {
            problems.Add("the body must be an object with 'title' and 'files'");
            return problems;
        }

        if (isNew && string.IsNullOrWhiteSpace(request.Title))
        {
            problems.Add("'title' is required: what the change is for, in a line");
        }
        else if (request.Title is { } title && (title.Trim().Length > MaxTitleLength || title.Any(char.IsControl)))
        {
            problems.Add($"'title' holds 1 to {MaxTitleLength} characters on one line");
        }

        foreach (var (name, text) in request.Files ?? [])
        {
            if (text is null)
            {
                problems.Add($"'files.{Printable(name)}' is null: give the file's text, or name it in 'remove'");
            }
        }

        if (request.Remove?.Any(r => r is null) == true)
        {
            problems.Add("'remove' holds a null: name each file to leave out");
        }

        if (request.From is { } from && (!isNew || !IsHash(from)))
        {
            problems.Add(isNew ? "'from' is the content hash of a stored version: 64 lower-case hexadecimal characters" : "'from' is only for a new proposal");
        }

        if (!isNew && (request.Files is null || request.Files.Count == 0) && (request.Remove is null || request.Remove.Count == 0) && string.IsNullOrWhiteSpace(request.Title))
        {
            problems.Add("a revision changes 'files', 'remove' or 'title'");
        }

        return problems;
    }

    private static void Apply(Dictionary<string, string> files, ProposalRequest request)
    {
        foreach (var (name, text) in request.Files ?? [])
        {
            files[name] = text!.ReplaceLineEndings("\n");
        }

        foreach (var name in request.Remove ?? [])
        {
            files.Remove(name!);
        }
    }

    private ValidatedProposal Validate(IReadOnlyDictionary<string, string> files) =>
        ProposalValidation.Validate(new PolicySource(PolicyLoader.ConvenantFileName, File.ReadAllText(options.Value.Convenant)), files);

    private PolicySet ProposedSet(PolicyProposalRow row) =>
        Validate(JsonSerializer.Deserialize<Dictionary<string, string>>(row.Files, Json)!).Set
            ?? throw new InvalidOperationException("A stored proposal no longer validates under the hub's convenant.");

    /// <summary>A version's policy files and tests as a proposal holds them: by name, the convenant left out.</summary>
    private static Dictionary<string, string> ProposalFiles(PolicyVersionRow version)
    {
        var files = PolicyBundle.Files(version.Bundle).Where(f => f.Key != PolicyLoader.ConvenantFileName).ToDictionary(StringComparer.Ordinal);
        foreach (var (name, text) in TestFiles.FromJson(version.Tests))
        {
            files[name] = text;
        }

        return files;
    }

    private async Task<ProposalDetail> DetailAsync(PolicyProposalRow row, CancellationToken cancellationToken)
    {
        var files = JsonSerializer.Deserialize<Dictionary<string, string>>(row.Files, Json)!;
        var baseVersion = await versions.VersionAsync(row.BaseHash, cancellationToken);
        var baseFiles = baseVersion is null ? new Dictionary<string, string>() : ProposalFiles(baseVersion);
        var report = row.Impact is not null && row.ImpactRevision == row.Revision ? JsonSerializer.Deserialize<ImpactReport>(row.Impact, Json) : null;
        ProposalDecision? decision = row.DecidedAt is { } at && row.DeciderPartner is not null
            ? new(new Actor(row.DeciderPartner, row.DeciderUser ?? ""), DateTimeOffset.FromUnixTimeMilliseconds(at), row.ApprovedRevision, row.WideningAcknowledged, row.Reason,
                row.EffectiveAt is { } e ? DateTimeOffset.FromUnixTimeMilliseconds(e) : null)
            : null;
        return new ProposalDetail(
            Summary(row), row.TestsPassed, files, JsonSerializer.Deserialize<PolicyDiff>(row.Diff, Json)!, FileDiff.Compare(baseFiles, files), report, decision);
    }

    private static ProposalSummary Summary(PolicyProposalRow row) => new(
        row.Id, row.Revision, row.Status, row.Title, new Actor(row.AuthorPartner, row.AuthorUser), row.ContentHash, row.BaseHash, row.Widens,
        row.Impact is not null && row.ImpactRevision == row.Revision,
        DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(row.UpdatedAt));

    private async Task<PolicyProposalRow?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await FindAsync(db, id, cancellationToken);
    }

    private static async Task<PolicyProposalRow?> FindAsync(HubDbContext db, string id, CancellationToken cancellationToken) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? await db.PolicyProposals.FirstOrDefaultAsync(p => p.Id == number && p.Status != Status.Recording, cancellationToken)
            : null;

    private static bool IsAuthor(Caller caller, PolicyProposalRow row) =>
        string.Equals(caller.Partner, row.AuthorPartner, StringComparison.Ordinal) && string.Equals(caller.User ?? "", row.AuthorUser, StringComparison.Ordinal);

    internal static bool IsHash(string text) => text.Length == 64 && text.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    private static string Subject(object id, int revision, string version, string baseHash) =>
        string.Create(CultureInfo.InvariantCulture, $"proposal={id};revision={revision};version={version};base={baseHash}");

    /// <summary>A proposal as a refused request names it in the log: its number, or "invalid" (never the text a caller put in the path).</summary>
    private static string ProposalSubject(string id) =>
        id.Length is > 0 and <= 19 && id.All(char.IsAsciiDigit) ? $"proposal={id}" : "proposal=invalid";

    private static string Printable(string text) => Problems.Printable(text);
}
