using System.Diagnostics;
using System.Security.Claims;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Protection;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Cases;
using Informatiedeling.Storage.Retention;

namespace Informatiedeling.Hub.Cases;

/// <summary>
/// Decides every case request with the policy engine and records it in the access log before anything leaves:
/// a case the partner has no role on answers exactly like a case that does not exist.
/// </summary>
internal sealed class CaseBroker(
    PolicyHolder policy,
    CaseDirectory cases,
    ClientFileStore files,
    IAccessLog accessLog,
    AccessLogJustifications justifications,
    CaseLifecycle lifecycle,
    RetentionPurge retention,
    ReportIntake reports,
    TimeProvider time)
{
    public const string IntakeAction = "melding-aannemen";
    public const string IntakeStep = "melding";
    public const string IntakePurpose = "signalering-en-weging";

    public async Task<IResult> IntakeAsync(ClaimsPrincipal user, IntakeRequest request, CancellationToken cancellationToken)
    {
        var engine = policy.Current;
        var partner = user.PartnerOf()!;
        var now = time.GetUtcNow();
        PartnerId.TryParse(partner, out var partnerId);
        StepId.TryParse(IntakeStep, out var step);
        var action = engine.DecideAction(partnerId, null, step, CaseStatus.Open, IntakeAction, now, null);
        if (!action.Permitted)
        {
            await LogAsync(user, null, "case.intake", null, AccessDecision.Deny, action.Rule, engine, cancellationToken);
            return Problems.Forbidden("Not allowed to take in a report", action.Describe(), action.Rule);
        }

        // The framework has validated the body: a person with a name and a date of birth, and fields.
        var read = FieldJson.Read(engine.Set, request.Fields!);
        if (!read.Valid)
        {
            await LogAsync(user, null, "case.intake", null, AccessDecision.Error, null, engine, cancellationToken);
            return Problems.Invalid("The report has fields the client file does not accept", read.Errors);
        }

        var person = new PersonKey(request.Person!.FullName!, request.Person.DateOfBirth!.Value);
        if (await files.FindOpenCaseAsync(person, cancellationToken) is { } existing)
        {
            return await reports.AddAsync(user, existing, read.Values, cancellationToken);
        }

        // The reporting point writes what its own role in this step may receive, nothing else.
        var role = DefaultRole(engine.Set, partner, IntakeStep);
        var writable = DecisionInput.Decide(engine, partner, role?.Name(), IntakeStep, "open", IntakePurpose, null, now, null, null);
        var outside = read.Values.Keys.Select(id => engine.Set.FindField(id)!).Where(f => !writable.IsPermitted(f.Category)).ToList();
        if (outside.Count > 0)
        {
            await LogAsync(user, null, "case.intake", null, AccessDecision.Deny, writable.ExplanationFor(outside[0].Category), engine, cancellationToken,
                [.. outside.Select(f => engine.Vocabulary.Categories.Names[f.Category]).Distinct(StringComparer.Ordinal)]);
            return Problems.ForbiddenList("Fields outside what this partner may write",
                [.. outside.Select(f => $"field '{f.Id}' is in category '{engine.Vocabulary.Categories.Names[f.Category]}', which this partner may not write")]);
        }

        var pseudonym = CasePseudonym.New();
        var categories = read.Values.Keys.Select(id => engine.Vocabulary.Categories.Names[engine.Set.FindField(id)!.Category]).Distinct(StringComparer.Ordinal).ToList();

        // Recorded before it happens: if the log cannot take it, nothing is written.
        await LogAsync(user, pseudonym, "case.intake", null, AccessDecision.Permit, action.Rule, engine, cancellationToken, categories);
        await files.CreateAsync(IntakeStep, person, read.Values, cancellationToken, pseudonym);
        await cases.AssignDefaultRolesAsync(pseudonym, engine.Set, cancellationToken);
        return TypedResults.Created($"/cases/{pseudonym.Value}", new IntakeResult(pseudonym.Value, Created: true));
    }

    public async Task<IResult> ReadAsync(
        ClaimsPrincipal user, string pseudonymText, string? purpose, string? categoriesText, string? justification, CancellationToken cancellationToken,
        string? fieldsText = null)
    {
        var engine = policy.Current;
        var partner = user.PartnerOf()!;
        var now = time.GetUtcNow();
        var pseudonym = CasePseudonym.TryParse(pseudonymText, out var parsed) ? parsed : (CasePseudonym?)null;
        if (string.IsNullOrWhiteSpace(purpose))
        {
            await LogAsync(user, pseudonym, "case.read", null, AccessDecision.Error, null, engine, cancellationToken);
            return Problems.BadRequest("A purpose is required", ["every request for case data declares its purpose (convenant art. 3.1): add ?purpose=…"]);
        }

        var found = pseudonym is { } p ? await cases.FindWithStandingAsync(p, partner, cancellationToken) : null;
        var state = found?.State;
        var standing = found?.Standing ?? default;
        IReadOnlyList<string>? categories = string.IsNullOrWhiteSpace(categoriesText)
            ? null
            : [.. categoriesText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        IReadOnlyList<string>? fields = string.IsNullOrWhiteSpace(fieldsText)
            ? null
            : [.. fieldsText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];
        var decision = Decide(engine, partner, state, standing, purpose, categories, now, justification);

        // Standing before any answer that depends on what was asked: without it, every request, well formed or not,
        // answers exactly as for a case that does not exist (art. 6.5).
        if (state is null || decision.CaseHidden)
        {
            await LogAsync(user, pseudonym, "case.read", purpose, AccessDecision.Deny, decision.Rule, engine, cancellationToken, categories);
            return Problems.CaseNotFound();
        }

        if (fields is not null)
        {
            var unknown = fields.Where(f => engine.Set.FindField(f) is null).ToList();
            if (unknown.Count > 0)
            {
                await LogAsync(user, state.Pseudonym, "case.read", null, AccessDecision.Error, null, engine, cancellationToken, categories);
                return Problems.BadRequest("Unknown fields requested", [.. unknown.Select(f => $"unknown field '{Problems.Printable(f)}'")]);
            }

            // Asking for fields asks for their categories, unless categories are named as well.
            if (categories is null)
            {
                categories = [.. fields.Select(f => engine.Vocabulary.Categories.Names[engine.Set.FindField(f)!.Category]).Distinct(StringComparer.Ordinal)];
                decision = Decide(engine, partner, state, standing, purpose, categories, now, justification);
            }
        }

        if (decision.UnknownKind != IdentifierKind.None)
        {
            await LogAsync(user, state.Pseudonym, "case.read", null, AccessDecision.Deny, decision.Rule, engine, cancellationToken, categories);
            return Problems.Forbidden("Request refused", decision.Describe(decision.Rule), decision.Rule);
        }

        var reads = decision.Permitted == 0 ? [] : await files.ReadAsync(state.Pseudonym, decision.Permitted, cancellationToken, fields);
        var added = AddedReports.Released(await files.ReadReportsAsync(state.Pseudonym, decision.Permitted, cancellationToken, fields));
        var evaluation = decision.Scope == ReleaseScope.EvaluationRecord && decision.ScopeReleased && state.Status == CaseStatus.Closed
            ? await lifecycle.EvaluationAsync(state.Pseudonym, engine.Set, cancellationToken)
            : null;
        var v = engine.Vocabulary;
        var withheld = new List<WithheldCategory>();
        var released = new List<string>();
        for (var c = 0; c < v.Categories.Count; c++)
        {
            if ((decision.Requested & (1UL << c)) == 0)
            {
                continue;
            }

            if (decision.IsPermitted(c))
            {
                released.Add(v.Categories.Names[c]);
            }
            else
            {
                var why = decision.ExplanationFor(c);
                withheld.Add(new WithheldCategory(v.Categories.Names[c], decision.Describe(why), why.RuleId, why.Article));
            }
        }

        // The policy set says which purposes are released only on a written justification (acute-veiligheid, art. 7.3,
        // and any other its fences name): every such release is an emergency access whose justification is sealed.
        var emergency = engine.RequiresJustification(purpose);
        var recordId = Guid.NewGuid();
        var sealedJustification = emergency && (decision.Permitted != 0 || decision.ScopeReleased) && !string.IsNullOrWhiteSpace(justification)
            ? await justifications.SealAsync(state.Pseudonym, recordId, justification, cancellationToken)
            : null;
        var obligations = decision.Obligations.HasFlag(Obligations.Review) ? new[] { "review" } : [];
        var record = Record(user, state.Pseudonym, "case.read", purpose, Outcome(decision.Outcome), decision.Rule, engine) with
        {
            Id = recordId,
            Justification = sealedJustification,
            LegalGround = v.Purposes.TryGetIndex(purpose, out var pi) ? v.PurposeDefinitions[pi].LegalGround : null,
            Role = standing.Role?.Name(),
            CategoriesRequested = [.. released, .. withheld.Select(w => w.Category)],
            CategoriesReleased = released,
            CategoriesWithheld = [.. withheld.Select(w => w.Category)],
            FieldsReleased = [.. reads.Where(f => f.Status == FieldReadStatus.Ok).Select(f => f.Field).Union(added.SelectMany(r => r.Fields.Keys), StringComparer.Ordinal)],
            Obligations = obligations,
            Emergency = emergency,
            Sensitivity = (decision.Permitted & engine.SpecialCategories) != 0 ? Sensitivity.Special : Sensitivity.Normal,
            Subject = evaluation is null ? null : "evaluation-record",
        };
        // Durable before release: the data leaves only after the log has committed this record.
        await accessLog.AppendAsync(record, cancellationToken);
        var destroyed = await DestroyedAsync(state, reads, cancellationToken);
        return TypedResults.Ok(new CaseData(
            state.Pseudonym.Value,
            state.Step,
            state.Status == CaseStatus.Closed ? "closed" : "open",
            purpose,
            decision.Rule.RuleId,
            decision.Rule.Article,
            reads.Where(f => f.Status == FieldReadStatus.Ok).ToDictionary(f => f.Field, f => f.Value!, StringComparer.Ordinal),
            withheld,
            destroyed,
            obligations)
        {
            Reports = added,
            Evaluation = evaluation is null ? null : new EvaluationRecord(
                evaluation.ExploitationType, evaluation.Outcome, evaluation.ClosureReason, evaluation.ClosedOn,
                [.. evaluation.Steps.Select(s => new EvaluationStep(s.Step, s.EnteredOn))]),
        });
    }

    /// <summary>
    /// What was destroyed: every category a retention purge took, with its date, rule and article, whatever the
    /// purpose releases (the names of categories and rules are not case data), and categories destroyed otherwise.
    /// Only a closed case is ever purged, so an open case's read costs no query for it.
    /// </summary>
    private async Task<List<DestroyedCategory>> DestroyedAsync(CaseState state, IReadOnlyList<FieldRead> reads, CancellationToken cancellationToken)
    {
        var purged = state.Status != CaseStatus.Closed ? [] : (await retention.PurgesOfAsync(state.Pseudonym, cancellationToken))
            .Select(p => new DestroyedCategory(p.Category, p.PurgedAt, p.Rule, p.Article))
            .ToList();
        purged.AddRange(reads.Where(f => f.Status == FieldReadStatus.Destroyed && purged.All(p => p.Category != f.Category))
            .GroupBy(f => f.Category).Select(g => new DestroyedCategory(g.Key, g.First().DestroyedAt!.Value)));
        return purged;
    }

    private static Decision Decide(
        PolicyEngine engine, string partner, CaseState? state, CaseStanding standing, string purpose, IReadOnlyList<string>? categories,
        DateTimeOffset now, string? justification) =>
        DecisionInput.Decide(engine, partner, standing.Role?.Name(), state?.Step ?? IntakeStep,
            state?.Status == CaseStatus.Closed ? "closed" : "open", purpose, categories, now, standing.InvitedUntil, justification);

    private static Role? DefaultRole(PolicySet set, string partner, string step)
    {
        set.Vocabulary.Partners.TryGetIndex(partner, out var p);
        set.Vocabulary.Steps.TryGetIndex(step, out var s);
        return set.Rules.Rasci!.Steps.First(x => x.Step == s).RoleOf(p);
    }

    private static AccessDecision Outcome(DecisionOutcome outcome) => outcome switch
    {
        DecisionOutcome.Permit => AccessDecision.Permit,
        DecisionOutcome.Partial => AccessDecision.Partial,
        _ => AccessDecision.Deny,
    };

    private Task LogAsync(
        ClaimsPrincipal user, CasePseudonym? pseudonym, string operation, string? purpose, AccessDecision outcome, Explanation? rule,
        PolicyEngine engine, CancellationToken cancellationToken, IReadOnlyList<string>? categories = null) =>
        accessLog.AppendAsync(
            Record(user, pseudonym, operation, purpose, outcome, rule, engine) with
            {
                // Only names the convenant knows: whatever else a caller typed stays out of the log.
                CategoriesRequested = [.. (categories ?? []).Where(c => engine.Vocabulary.Categories.TryGetIndex(c, out _))],
            },
            cancellationToken);

    private AccessRecord Record(
        ClaimsPrincipal user, CasePseudonym? pseudonym, string operation, string? purpose, AccessDecision outcome, Explanation? rule, PolicyEngine engine) => new()
    {
        Id = Guid.NewGuid(),
        Kind = AccessEventKind.AccessDecision,
        OccurredAt = time.GetUtcNow(),
        TraceId = Activity.Current?.TraceId,
        SpanId = Activity.Current?.SpanId,
        ActorUser = user.UserOf(),
        ActorPartner = PartnerId.TryParse(user.PartnerOf(), out var p) ? p : null,
        Case = pseudonym,
        Purpose = purpose is not null && PurposeId.TryParse(purpose, out var pu) ? pu : null,
        Operation = operation,
        Decision = outcome,
        Rule = rule?.RuleId,
        Article = rule?.Article,
        PolicySetHash = engine.Set.ContentHash,
    };
}
