using System.Security.Claims;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Cases;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Access;

/// <summary>
/// The one way in. Every route that touches a case or the log, API and pages alike, passes here: the caller is
/// resolved (<see cref="Caller"/>), the case and the caller's standing on it are found in one query, the engine
/// decides, the decision is recorded, and only then does the route perform its effect or release data, recording
/// that through the gate as well. A caller without standing on a case gets the answer for a case that does not
/// exist, from here alone. What differs per route is its <see cref="AccessRoute"/>.
/// </summary>
internal sealed partial class Gate(PolicyHolder policy, CaseDirectory cases, IAccessLog accessLog, TimeProvider time, ILogger<Gate> logger)
{
    /// <summary>A route about no case (a feed, say): any admitted partner, nothing decided yet.</summary>
    public Access Enter(ClaimsPrincipal user, AccessRoute route) => new()
    {
        Caller = Caller.Of(user),
        Engine = policy.Current,
        Now = time.GetUtcNow(),
        Route = route,
    };

    /// <summary>
    /// The privacy officer's routes: only a caller whose issuer asserted that function, who sees every partner's
    /// accesses; on a route open to them (<see cref="AccessRoute.PartnerPrivacyOfficers"/>) also a partner's own privacy
    /// officer, who sees only that partner's employees' (<see cref="Access.Officer"/>). Anyone else is refused, and that is recorded.
    /// </summary>
    public async Task<Entry<Access, ForbiddenProblem>> EnterAsPrivacyOfficerAsync(ClaimsPrincipal user, AccessRoute route, CancellationToken cancellationToken)
    {
        if (!route.PrivacyOfficerOnly)
        {
            throw new InvalidOperationException($"The route '{route.Operation}' is not marked as the privacy officer's.");
        }

        var access = Enter(user, route);
        if (access.Caller.PrivacyOfficer)
        {
            return new(access with { Role = AccessRecords.PrivacyOfficerRole, Officer = OfficerScope.Everyone }, null);
        }

        if (route.PartnerPrivacyOfficers && access.Caller is { PartnerPrivacyOfficer: true, ActorPartner: { } own })
        {
            return new(access with { Role = AccessRecords.PartnerPrivacyOfficerRole, Officer = new OfficerScope(own) }, null);
        }

        // A refusal by function is an access decision, whatever kind of record the route's permits are.
        NotPrivacyOfficer(logger, access.Caller.Partner, route.Operation);
        await RecordAsync(access with { Route = route with { Kind = AccessEventKind.AccessDecision } }, AccessDecision.Deny, null, cancellationToken);
        return new(null, new ForbiddenProblem(new()
        {
            Status = StatusCodes.Status403Forbidden,
            Title = "Only for the privacy officer",
            Detail = "This route is for the privacy officer (functionaris gegevensbescherming, convenant art. 9.2) only.",
        }));
    }

    /// <summary>
    /// The sharing rules' routes: the functional administrator where the route allows (<see cref="AccessRoute.FunctionalAdministrators"/>),
    /// the hub's privacy officer where it allows (<see cref="AccessRoute.PrivacyOfficerOnly"/>), never a partner's own
    /// privacy officer, whose function concerns its own employees' accesses, not the rules of all. Anyone else is
    /// refused, and that is recorded. A caller with both functions acts as the one the route needs first: the administrator.
    /// </summary>
    public async Task<Entry<Access, ForbiddenProblem>> EnterByFunctionAsync(ClaimsPrincipal user, AccessRoute route, CancellationToken cancellationToken)
    {
        if (!route.FunctionalAdministrators && !route.PrivacyOfficerOnly)
        {
            throw new InvalidOperationException($"The route '{route.Operation}' is marked for no function.");
        }

        var access = Enter(user, route);
        if (route.FunctionalAdministrators && access.Caller.FunctionalAdministrator)
        {
            return new(access with { Role = AccessRecords.FunctionalAdministratorRole }, null);
        }

        if (route.PrivacyOfficerOnly && access.Caller.PrivacyOfficer)
        {
            return new(access with { Role = AccessRecords.PrivacyOfficerRole, Officer = OfficerScope.Everyone }, null);
        }

        NotByFunction(logger, access.Caller.Partner, route.Operation);
        await RecordAsync(access with { Route = route with { Kind = AccessEventKind.AccessDecision } }, AccessDecision.Deny, null, cancellationToken);
        var who = (route.FunctionalAdministrators, route.PrivacyOfficerOnly) switch
        {
            (true, true) => "the functional administrator (functioneel beheerder) and the privacy officer (functionaris gegevensbescherming)",
            (true, false) => "the functional administrator (functioneel beheerder)",
            _ => "the privacy officer (functionaris gegevensbescherming, convenant art. 9.2)",
        };
        return new(null, new ForbiddenProblem(new()
        {
            Status = StatusCodes.Status403Forbidden,
            Title = route.FunctionalAdministrators && !route.PrivacyOfficerOnly ? "Only for the functional administrator" : "Only for the privacy officer",
            Detail = $"This route is for {who} only.",
        }));
    }

    /// <summary>An action on no case yet (taking in a report): decided in <paramref name="step"/> of an open case, without a role.</summary>
    public async Task<Entry<Access, Refusal>> EnterNewCaseAsync(ClaimsPrincipal user, AccessRoute route, string step, CancellationToken cancellationToken)
    {
        var access = Enter(user, route) with { NewCaseStep = step, Basis = DecisionBasis.Action(route.Action!, newCase: true) };
        var decision = CaseDecisions.OnNewCase(access.Engine, access.Caller.PartnerId, step, route.Action!, access.Now);
        if (!decision.Permitted)
        {
            await RecordAsync(access, AccessDecision.Deny, decision.Rule, cancellationToken, basis: access.Basis);
            return new(null, new Refusal(Problems.Forbidden(route.RefusedTitle, decision.Describe(), decision.Rule), decision.Rule));
        }

        return new(access with { Rule = decision.Rule }, null);
    }

    /// <summary>
    /// Aggregated figures under a declared purpose: the purpose must be one the engine gives this caller with
    /// aggregate scope. Figures are about no case, so they are decided without role or step, as for a closed case.
    /// </summary>
    public async Task<Entry<Access, BadRequestProblem, ForbiddenProblem>> EnterFiguresAsync(ClaimsPrincipal user, AccessRoute route, string? purpose, CancellationToken cancellationToken)
    {
        var access = Enter(user, route);
        var engine = access.Engine;
        if (string.IsNullOrWhiteSpace(purpose))
        {
            await RecordAsync(access, AccessDecision.Error, null, cancellationToken);
            return new(null, Problems.BadRequest("A purpose is required", ["monitoring figures are given under a declared purpose (convenant art. 3.1): add ?purpose=monitoring"]), null);
        }

        var (permitted, rule, decision) = CaseDecisions.Figures(engine, access.Caller.Partner, purpose, access.Now);
        if (decision.UnknownKind != IdentifierKind.None)
        {
            // The unknown identifier is not recorded (only what the convenant knows is), so this refusal cannot be decided again.
            await RecordAsync(access, AccessDecision.Deny, decision.Rule, cancellationToken);
            return new(null, null, new ForbiddenProblem(Problems.Forbidden("Request refused", decision.Describe(decision.Rule), decision.Rule)));
        }

        if (decision.Scope != ReleaseScope.Aggregate)
        {
            await RecordAsync(access, AccessDecision.Deny, rule, cancellationToken, purpose: purpose, basis: DecisionBasis.Figures);
            return new(null, null, new ForbiddenProblem(Problems.Forbidden(
                "Not a purpose for aggregated figures", $"purpose '{purpose}' is for {decision.Scope.Name()} only, never for aggregated figures", rule)));
        }

        if (!permitted)
        {
            await RecordAsync(access, AccessDecision.Deny, rule, cancellationToken, purpose: purpose, basis: DecisionBasis.Figures);
            return new(null, null, new ForbiddenProblem(Problems.Forbidden("Not allowed to receive monitoring figures", decision.Describe(rule), rule)));
        }

        return new(access with { Rule = rule, Purpose = purpose, Basis = DecisionBasis.Figures }, null, null);
    }

    /// <summary>Mere standing on a case (its summary): any role in its current step, I included; a shell partner only while invited.</summary>
    public async Task<Entry<CaseAccess, NotFoundProblem>> EnterStandingAsync(ClaimsPrincipal user, AccessRoute route, string pseudonym, CancellationToken cancellationToken)
    {
        // Standing alone never refuses with 403: every refusal of it hides the case (PolicyEngine.DecideStanding).
        var (access, _) = await EnterCaseAsync(user, route, pseudonym, cancellationToken);
        return access is null ? new(null, new NotFoundProblem(Problems.CaseNotFound())) : new(access, null);
    }

    /// <summary>An action of actions.yaml on a case (<see cref="AccessRoute.Action"/>), on the standing its <see cref="AccessRoute.Scope"/> names.</summary>
    public Task<Entry<CaseAccess, Refusal>> EnterAsync(ClaimsPrincipal user, AccessRoute route, string pseudonym, CancellationToken cancellationToken) =>
        EnterCaseAsync(user, route, pseudonym, cancellationToken);

    /// <summary>
    /// A read of case data under a declared purpose. Standing is settled before any answer that depends on what was
    /// asked: without it, every request, well formed or not, answers exactly as for a case that does not exist (art. 6.5).
    /// </summary>
    public async Task<Entry<CaseRead, BadRequestProblem, Refusal>> EnterReadAsync(ClaimsPrincipal user, AccessRoute route, string pseudonymText, ReadQuestion question, CancellationToken cancellationToken)
    {
        var access = Enter(user, route) with { JustificationGiven = !string.IsNullOrWhiteSpace(question.Justification) };
        var (caller, engine, now) = (access.Caller, access.Engine, access.Now);
        var pseudonym = CasePseudonym.TryParse(pseudonymText, out var parsed) ? parsed : (CasePseudonym?)null;
        if (string.IsNullOrWhiteSpace(question.Purpose))
        {
            await RecordAsync(access, AccessDecision.Error, null, cancellationToken, about: pseudonym);
            return new(null, Problems.BadRequest("A purpose is required", ["every request for case data declares its purpose (convenant art. 3.1): add ?purpose=…"]), null);
        }

        var purpose = question.Purpose;
        var found = pseudonym is { } p ? await cases.FindWithStandingAsync(p, caller.Partner, cancellationToken) : null;
        var categories = question.Categories;
        var decision = Decide(engine, caller, found, purpose, categories, now, question.Justification);
        var onCase = found is (var state, var standing)
            ? new CaseAccess
            {
                Caller = caller, Engine = engine, Now = now, Route = route, State = state, Standing = standing, Rule = decision.Rule, JustificationGiven = access.JustificationGiven,
                Basis = DecisionBasis.Purpose,
            }
            : null;
        if (onCase is null || decision.CaseHidden)
        {
            // A hidden case is recorded as it was found (its step and status are inputs of the decision); the caller learns nothing of it.
            await RecordAsync(onCase ?? access, AccessDecision.Deny, decision.Rule, cancellationToken, purpose: purpose, about: pseudonym,
                categories: Requested(engine, decision, categories), basis: ReadBasis(onCase, decision));
            return new(null, null, new Refusal(Problems.CaseNotFound()));
        }

        if (question.Fields is { } fields)
        {
            var unknown = fields.Where(f => engine.Set.FindField(f) is null).ToList();
            if (unknown.Count > 0)
            {
                await RecordAsync(onCase, AccessDecision.Error, null, cancellationToken, categories: categories);
                return new(null, Problems.BadRequest("Unknown fields requested", [.. unknown.Select(f => $"unknown field '{Problems.Printable(f)}'")]), null);
            }

            // Asking for fields asks for their categories, unless categories are named as well.
            if (categories is null)
            {
                categories = [.. fields.Select(f => engine.Vocabulary.Categories.Names[engine.Set.FindField(f)!.Category]).Distinct(StringComparer.Ordinal)];
                decision = Decide(engine, caller, found, purpose, categories, now, question.Justification);
            }
        }

        if (decision.UnknownKind != IdentifierKind.None)
        {
            // The unknown identifier is not recorded (only what the convenant knows is), so this refusal cannot be decided again.
            await RecordAsync(onCase, AccessDecision.Deny, decision.Rule, cancellationToken, categories: categories, purpose: purpose);
            return new(null, null, new Refusal(Problems.Forbidden("Request refused", decision.Describe(decision.Rule), decision.Rule), decision.Rule));
        }

        return new(new CaseRead(onCase with { Rule = decision.Rule, Purpose = purpose }, decision, question.Fields, question.Justification), null, null);
    }

    /// <summary>
    /// Records what the request did, on the access's case and in its role; when it is a permit, before the effect. A
    /// record that is the engine's decision names its <paramref name="basis"/> (a release carries the gate's,
    /// <see cref="Access.Basis"/>) and is dated at the moment it was decided for, so that a replay decides it alike.
    /// </summary>
    public Task RecordAsync(
        Access access, AccessDecision decision, Explanation? rule, CancellationToken cancellationToken,
        string? subject = null, IReadOnlyList<string>? categories = null, string? purpose = null, CasePseudonym? about = null, Release? release = null,
        string? basis = null)
    {
        basis ??= release is null ? null : access.Basis;
        var e = new AccessEvent(
            access.Route.Operation, decision, about ?? (access as CaseAccess)?.State.Pseudonym, rule,
            access.Role, purpose ?? access.Purpose, subject, categories, CaseInputs.Of(access), basis);
        var at = basis is null ? time.GetUtcNow() : access.Now;
        // A log read that is refused or malformed read nothing: it is recorded as an access decision, as a refusal by function is.
        var record = access.Route.Kind switch
        {
            AccessEventKind.LegalHold => AccessRecords.LegalHold(access.Caller, access.Engine, at, e),
            AccessEventKind.PolicyChange or AccessEventKind.PolicyPublished => AccessRecords.PolicyChange(access.Route.Kind, access.Caller, access.Engine, at, e),
            AccessEventKind.LogRead when decision == AccessDecision.Permit => AccessRecords.LogRead(access.Caller, access.Engine, at, e),
            _ => AccessRecords.Decision(access.Caller, access.Engine, at, e, release),
        };

        // Durable before anything leaves or changes: if the log cannot take it, this throws and the request fails closed (503).
        return accessLog.AppendAsync(record, cancellationToken);
    }

    /// <summary>Records the permit under the rule that let the request through, before the effect.</summary>
    public Task PermitAsync(Access access, CancellationToken cancellationToken, string? subject = null, IReadOnlyList<string>? categories = null) =>
        RecordAsync(access, AccessDecision.Permit, access.Rule, cancellationToken, subject, categories, basis: access.Basis);

    /// <summary>A request that passed the gate but is malformed: recorded as an error, answered 400, nothing changed.</summary>
    public async Task<BadRequestProblem> InvalidAsync(Access access, string title, IReadOnlyList<string> problems, CancellationToken cancellationToken)
    {
        await RecordAsync(access, AccessDecision.Error, access.Rule, cancellationToken);
        return Problems.BadRequest(title, problems);
    }

    /// <summary>Field values refused by the catalogue: recorded as an error, answered 400 naming each member, nothing written.</summary>
    public async Task<BadRequestProblem> InvalidAsync(Access access, string title, IReadOnlyDictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        await RecordAsync(access, AccessDecision.Error, access.Rule, cancellationToken);
        return Problems.Invalid(title, errors);
    }

    /// <summary>The case changed between decision and effect, or is not as the request assumed: recorded as an error, answered 409, nothing changed.</summary>
    public async Task<ConflictProblem> ConflictAsync(
        Access access, string title, string detail, CancellationToken cancellationToken, string? subject = null, IReadOnlyList<string>? categories = null)
    {
        await RecordAsync(access, AccessDecision.Error, access.Rule, cancellationToken, subject, categories);
        return Problems.Conflict(title, detail);
    }

    /// <summary>Refused after the gate by a rule of the convenant (a field outside what the caller may write): recorded as a denial, answered 403.</summary>
    public async Task<Refusal> RefuseAsync(
        Access access, Explanation rule, ProblemDetails answer, CancellationToken cancellationToken, string? subject = null, IReadOnlyList<string>? categories = null)
    {
        await RecordAsync(access, AccessDecision.Deny, rule, cancellationToken, subject, categories);
        return new Refusal(answer, rule);
    }

    /// <summary>Something the request names on the case does not exist (an invitation, a hold): recorded as an error, answered 404.</summary>
    public async Task<Refusal> MissingAsync(Access access, string title, string detail, CancellationToken cancellationToken, string? subject = null)
    {
        await RecordAsync(access, AccessDecision.Error, access.Rule, cancellationToken, subject);
        return new Refusal(Problems.NotFound(title, detail));
    }

    private async Task<Entry<CaseAccess, Refusal>> EnterCaseAsync(ClaimsPrincipal user, AccessRoute route, string pseudonymText, CancellationToken cancellationToken)
    {
        var access = Enter(user, route);
        var engine = access.Engine;
        if (!CasePseudonym.TryParse(pseudonymText, out var pseudonym))
        {
            await RecordAsync(access, AccessDecision.Deny, null, cancellationToken);
            return new(null, new Refusal(Problems.CaseNotFound()));
        }

        // The case and the caller's standing on it, in one query.
        var found = route.Scope == StandingScope.AnyStep
            ? await cases.FindWithStandingInAnyStepAsync(pseudonym, access.Caller.Partner, cancellationToken)
            : await cases.FindWithStandingAsync(pseudonym, access.Caller.Partner, cancellationToken);
        if (found is null)
        {
            await RecordAsync(access, AccessDecision.Deny, null, cancellationToken, about: pseudonym);
            return new(null, new Refusal(Problems.CaseNotFound()));
        }

        var (state, standing) = found.Value;
        if (route.Scope == StandingScope.AnyStep && standing.Role is null && standing.InvitedUntil is not null)
        {
            // An invited shell partner stands on the whole file in the role the default RASCI gives invited partners.
            standing = standing with { Role = StrongestShellRole(engine.Set) };
        }

        var decision = CaseDecisions.OnCase(
            engine, access.Caller.PartnerId, standing.Role, state.Step, state.Status, route.Action, access.Now, standing.InvitedUntil,
            tryHeldRoles: route.Scope == StandingScope.CurrentStep, needsStanding: route.RequiresStanding, out var actedAs);
        standing = standing with { Role = actedAs };
        var basis = route.Action is null
            ? DecisionBasis.Standing
            : DecisionBasis.Action(route.Action, anyStep: route.Scope == StandingScope.AnyStep, needsStanding: route.RequiresStanding);
        var onCase = new CaseAccess { Caller = access.Caller, Engine = engine, Now = access.Now, Route = route, State = state, Standing = standing, Rule = decision.Rule, Basis = basis };
        if (!decision.Permitted)
        {
            // Without standing (of itself, or as the action also needs) the case is not there.
            await RecordAsync(onCase, AccessDecision.Deny, decision.Rule, cancellationToken, basis: basis);
            return new(null, new Refusal(decision.CaseHidden ? Problems.CaseNotFound() : Problems.Forbidden(route.RefusedTitle, decision.Describe(), decision.Rule), decision.Rule));
        }

        return new(onCase, null);
    }

    /// <summary>The basis of a read's refusal: none when no case was found or the request named what the convenant does not know (it is not recorded).</summary>
    private static string? ReadBasis(CaseAccess? onCase, Decision decision) =>
        onCase is not null && decision.UnknownKind == IdentifierKind.None ? DecisionBasis.Purpose : null;

    /// <summary>The categories a decision was asked for, by name (all of them when none were named), so that it can be decided again.</summary>
    private static IReadOnlyList<string>? Requested(PolicyEngine engine, Decision decision, IReadOnlyList<string>? named)
    {
        if (decision.UnknownKind != IdentifierKind.None)
        {
            return named;
        }

        var names = engine.Vocabulary.Categories.Names;
        var requested = new List<string>();
        for (var c = 0; c < names.Length; c++)
        {
            if ((decision.Requested & (1UL << c)) != 0)
            {
                requested.Add(names[c]);
            }
        }

        return requested;
    }

    private static Decision Decide(
        PolicyEngine engine, Caller caller, (CaseState State, CaseStanding Standing)? found, string purpose, IReadOnlyList<string>? categories,
        DateTimeOffset now, string? justification) =>
        DecisionInput.Decide(engine, caller.Partner, found?.Standing.Role?.Name(), found?.State.Step ?? engine.Vocabulary.Steps.Names[0],
            found?.State.Status == CaseStatus.Closed ? "closed" : "open", purpose, categories, now, found?.Standing.InvitedUntil, justification);

    private static Role? StrongestShellRole(PolicySet set)
    {
        var roles = set.Rules.Rasci!.Steps.Aggregate((byte)0, (all, step) => (byte)(all | step.ShellRoles));
        for (var r = 0; r < Roles.Count; r++)
        {
            if ((roles & (1 << r)) != 0)
            {
                return (Role)r;
            }
        }

        return null;
    }

    [LoggerMessage(6005, LogLevel.Warning, "A request by {Partner} for the sharing rules' route {Operation} was refused: the caller has not the function it needs")]
    private static partial void NotByFunction(ILogger logger, string partner, string operation);

    [LoggerMessage(6004, LogLevel.Warning, "A request by {Partner} for the privacy officer's route {Operation} was refused: the caller is not the privacy officer")]
    private static partial void NotPrivacyOfficer(ILogger logger, string partner, string operation);
}
