using System.Security.Claims;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Storage.Cases;

namespace Informatiedeling.Hub.Cases;

/// <summary>
/// Moving a case through the chain process (<c>stap-afronden</c>) and closing it (<c>dossier-sluiten</c>). Both are
/// conditional on the step the request was decided in, so a concurrent change makes the later one a 409 that
/// changes nothing.
/// </summary>
internal sealed class CaseProcess(
    CaseGate gate, CaseAudit audit, CaseLifecycle lifecycle, ClientFileStore files, CaseSummaries summaries, ILogger<CaseProcess> logger)
{
    public const string StepAction = "stap-afronden";
    public const string CloseAction = "dossier-sluiten";
    public const string StepOperation = "case.step";
    public const string CloseOperation = "case.close";

    public async Task<IResult> FinishStepAsync(ClaimsPrincipal user, string pseudonym, StepRequest request, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsync(user, pseudonym, StepAction, StepOperation, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        var steps = access.Engine.Vocabulary.Steps;
        if (string.IsNullOrWhiteSpace(request.From) || !steps.TryGetIndex(request.From, out _))
        {
            return await gate.BadRequestAsync(user, access, StepOperation, "The step cannot be finished",
                [string.IsNullOrWhiteSpace(request.From)
                    ? $"from is required: the step the case is in, one of {string.Join(", ", steps.Names)}"
                    : $"unknown step '{Problems.Printable(request.From)}': from must be the step the case is in, one of {string.Join(", ", steps.Names)}"],
                cancellationToken);
        }

        var current = access.State.Step;
        steps.TryGetIndex(current, out var index);
        if (!string.Equals(request.From, current, StringComparison.Ordinal))
        {
            await audit.RecordAsync(user, access.Engine, new CaseEvent(StepOperation, access.State.Pseudonym, AccessDecision.Error, access.Decision.Rule, access.Role, Subject: $"step:{request.From}>"), cancellationToken);
            return Problems.Conflict("The case is not in that step", $"the case is in step '{current}', not '{request.From}'; read it again before finishing a step");
        }

        if (index + 1 >= steps.Count)
        {
            await audit.RecordAsync(user, access.Engine, new CaseEvent(StepOperation, access.State.Pseudonym, AccessDecision.Error, access.Decision.Rule, access.Role, Subject: $"step:{current}>"), cancellationToken);
            return Problems.Conflict("No next step", $"'{current}' is the last step of the chain process; close the case instead");
        }

        var next = steps.Names[index + 1];
        await audit.RecordAsync(user, access.Engine, new CaseEvent(StepOperation, access.State.Pseudonym, AccessDecision.Permit, access.Decision.Rule, access.Role, Subject: $"step:{current}>{next}"), cancellationToken);
        if (!await lifecycle.MoveAsync(access.State.Pseudonym, current, next, access.Now, cancellationToken))
        {
            CaseLog.MoveConflict(logger, access.State.Pseudonym.Value, current);
            await audit.RecordAsync(user, access.Engine, new CaseEvent(StepOperation, access.State.Pseudonym, AccessDecision.Error, access.Decision.Rule, access.Role, Subject: $"step:{current}>"), cancellationToken);
            return Problems.Conflict("The case is not in that step", $"the case left step '{current}' while this request was decided; nothing changed");
        }

        CaseLog.Moved(logger, access.State.Pseudonym.Value, current, next);
        return await summaries.SummaryAsync(access, cancellationToken);
    }

    public async Task<IResult> CloseAsync(ClaimsPrincipal user, string pseudonym, ClosureRequest request, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsync(user, pseudonym, CloseAction, CloseOperation, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        var reasons = access.Engine.Vocabulary.ClosureReasons;
        if (request.Reason is null || !reasons.Contains(request.Reason, StringComparer.Ordinal))
        {
            return await gate.BadRequestAsync(user, access, CloseOperation, "The case cannot be closed",
                [$"reason must be one of the convenant's closure reasons: {string.Join(", ", reasons)}"], cancellationToken);
        }

        // The evaluation record takes only the catalogue's evaluation enums, decrypted here and copied as values.
        var values = await files.ReadEvaluationValuesAsync(access.State.Pseudonym, cancellationToken);
        var set = access.Engine.Set;
        var exploitation = EvaluationFields.Find(set, EvaluationFields.ExploitationType) is not null ? values.GetValueOrDefault(EvaluationFields.ExploitationType) : null;
        var outcome = EvaluationFields.Find(set, EvaluationFields.Outcome) is not null ? values.GetValueOrDefault(EvaluationFields.Outcome) : null;

        await audit.RecordAsync(user, access.Engine, new CaseEvent(CloseOperation, access.State.Pseudonym, AccessDecision.Permit, access.Decision.Rule, access.Role, Subject: $"closure:{request.Reason}"), cancellationToken);
        if (!await lifecycle.CloseAsync(access.State.Pseudonym, access.State.Step, request.Reason, access.Now, exploitation, outcome, cancellationToken))
        {
            await audit.RecordAsync(user, access.Engine, new CaseEvent(CloseOperation, access.State.Pseudonym, AccessDecision.Error, access.Decision.Rule, access.Role, Subject: $"closure:{request.Reason}"), cancellationToken);
            return Problems.Conflict("The case changed", "the case left its step or was closed while this request was decided; nothing changed");
        }

        CaseLog.Closed(logger, access.State.Pseudonym.Value, request.Reason);
        return await summaries.SummaryAsync(access, cancellationToken);
    }
}
