using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Access;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Protection;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Cases;
using Informatiedeling.Storage.Retention;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;

namespace Informatiedeling.Hub.Cases;

/// <summary>
/// Taking in a report and reading a case's data under a purpose, through the <see cref="Gate"/>: the read's record
/// is in the access log before anything leaves.
/// </summary>
internal sealed class CaseBroker(
    Gate gate,
    ClientFileStore files,
    CaseDirectory cases,
    AccessLogJustifications justifications,
    CaseLifecycle lifecycle,
    RetentionPurge retention,
    ReportIntake reports)
{
    public const string IntakeAction = "melding-aannemen";
    public const string IntakeStep = "melding";
    public const string IntakePurpose = "signalering-en-weging";

    public static readonly AccessRoute Intake = new("case.intake", IntakeAction, RefusedTitle: "Not allowed to take in a report");
    public static readonly AccessRoute Read = new("case.read");

    public async Task<Results<Created<IntakeResult>, Ok<IntakeResult>, BadRequestProblem, Refusal, ConflictProblem>> IntakeAsync(
        ClaimsPrincipal user, IntakeRequest request, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterNewCaseAsync(user, Intake, IntakeStep, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        // The framework has validated the body: a person with a name and a date of birth, and fields.
        var engine = access.Engine;
        var read = FieldJson.Read(engine.Set, request.Fields!);
        if (!read.Valid)
        {
            return await gate.InvalidAsync(access, "The report has fields the client file does not accept", read.Errors, cancellationToken);
        }

        var person = new PersonKey(request.Person!.FullName!, request.Person.DateOfBirth!.Value);
        if (await files.FindOpenCaseAsync(person, cancellationToken) is { } existing)
        {
            return await reports.AddAsync(user, existing, read.Values, cancellationToken);
        }

        // The reporting point writes what its own role in this step may receive, nothing else.
        var partner = access.Caller.Partner;
        var role = DefaultRole(engine.Set, partner, IntakeStep);
        var writable = DecisionInput.Decide(engine, partner, role?.Name(), IntakeStep, "open", IntakePurpose, null, access.Now, null, null);
        var outside = read.Values.Keys.Select(id => engine.Set.FindField(id)!).Where(f => !writable.IsPermitted(f.Category)).ToList();
        if (outside.Count > 0)
        {
            return await gate.RefuseAsync(access, writable.ExplanationFor(outside[0].Category),
                Problems.ForbiddenList("Fields outside what this partner may write",
                    [.. outside.Select(f => $"field '{f.Id}' is in category '{engine.Vocabulary.Categories.Names[f.Category]}', which this partner may not write")]),
                cancellationToken, categories: [.. outside.Select(f => engine.Vocabulary.Categories.Names[f.Category]).Distinct(StringComparer.Ordinal)]);
        }

        var pseudonym = CasePseudonym.New();
        var categories = read.Values.Keys.Select(id => engine.Vocabulary.Categories.Names[engine.Set.FindField(id)!.Category]).Distinct(StringComparer.Ordinal).ToList();

        // Recorded before it happens: if the log cannot take it, nothing is written.
        await gate.RecordAsync(access, AccessDecision.Permit, access.Rule, cancellationToken, categories: categories, about: pseudonym, basis: access.Basis);
        await files.CreateAsync(IntakeStep, person, read.Values, cancellationToken, pseudonym);
        await cases.AssignDefaultRolesAsync(pseudonym, engine.Set, cancellationToken);
        return TypedResults.Created($"/cases/{pseudonym.Value}", new IntakeResult(pseudonym.Value, Created: true));
    }

    public async Task<Results<Ok<CaseData>, BadRequestProblem, Refusal>> ReadAsync(
        ClaimsPrincipal user, string pseudonym, ReadQuestion question, CancellationToken cancellationToken)
    {
        var (entered, invalid, refusal) = await gate.EnterReadAsync(user, Read, pseudonym, question, cancellationToken);
        if (entered is null)
        {
            return invalid is not null ? invalid : refusal!;
        }

        var (access, decision, fields, justification) = entered;
        var engine = access.Engine;
        var state = access.State;
        var purpose = access.Purpose!;
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
                withheld.Add(new WithheldCategory(v.Categories.Names[c], decision.Describe(why), why.RuleId, why.Article) { ReasonDutch = why.Dutch });
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
        var release = new Release(
            recordId,
            released,
            [.. withheld.Select(w => w.Category)],
            [.. reads.Where(f => f.Status == FieldReadStatus.Ok).Select(f => f.Field).Union(added.SelectMany(r => r.Fields.Keys), StringComparer.Ordinal)],
            obligations,
            emergency,
            sealedJustification,
            (decision.Permitted & engine.SpecialCategories) != 0 ? Sensitivity.Special : Sensitivity.Normal);

        // Durable before release: the data leaves only after the log has committed this record.
        await gate.RecordAsync(access, Outcome(decision.Outcome), decision.Rule, cancellationToken,
            subject: evaluation is null ? null : "evaluation-record", release: release);
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
}
