using System.Security.Claims;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Access;
using Informatiedeling.Storage.Cases;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Informatiedeling.Hub.Cases;

/// <summary>
/// Moving a case through the chain process (<c>stap-afronden</c>) and closing it (<c>dossier-sluiten</c>). Both are
/// conditional on the step the request was decided in, so a concurrent change makes the later one a 409 that
/// changes nothing.
/// </summary>
internal sealed class CaseProcess(Gate gate, CaseLifecycle lifecycle, ClientFileStore files, CaseSummaries summaries, ILogger<CaseProcess> logger)
{
    public static readonly AccessRoute Step = new("case.step", "stap-afronden");
    public static readonly AccessRoute Close = new("case.close", "dossier-sluiten");

    public async Task<Results<Ok<CaseSummary>, BadRequestProblem, Refusal, ConflictProblem>> FinishStepAsync(
        ClaimsPrincipal user, string pseudonym, StepRequest request, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsync(user, Step, pseudonym, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        var steps = access.Engine.Vocabulary.Steps;
        if (string.IsNullOrWhiteSpace(request.From) || !steps.TryGetIndex(request.From, out _))
        {
            return await gate.InvalidAsync(access, "The step cannot be finished",
                [string.IsNullOrWhiteSpace(request.From)
                    ? $"from is required: the step the case is in, one of {string.Join(", ", steps.Names)}"
                    : $"unknown step '{Problems.Printable(request.From)}': from must be the step the case is in, one of {string.Join(", ", steps.Names)}"],
                cancellationToken);
        }

        var current = access.State.Step;
        steps.TryGetIndex(current, out var index);
        if (!string.Equals(request.From, current, StringComparison.Ordinal))
        {
            return await gate.ConflictAsync(access, "The case is not in that step",
                $"the case is in step '{current}', not '{request.From}'; read it again before finishing a step", cancellationToken, $"step:{request.From}>");
        }

        if (index + 1 >= steps.Count)
        {
            return await gate.ConflictAsync(access, "No next step", $"'{current}' is the last step of the chain process; close the case instead", cancellationToken, $"step:{current}>");
        }

        var next = steps.Names[index + 1];
        await gate.PermitAsync(access, cancellationToken, $"step:{current}>{next}");
        if (!await lifecycle.MoveAsync(access.State.Pseudonym, current, next, access.Now, cancellationToken))
        {
            CaseLog.MoveConflict(logger, access.State.Pseudonym.Value, current);
            return await gate.ConflictAsync(access, "The case is not in that step",
                $"the case left step '{current}' while this request was decided; nothing changed", cancellationToken, $"step:{current}>");
        }

        CaseLog.Moved(logger, access.State.Pseudonym.Value, current, next);
        return await summaries.SummaryAsync(access, cancellationToken) is { } summary ? TypedResults.Ok(summary) : new Refusal(Problems.CaseNotFound());
    }

    public async Task<Results<Ok<CaseSummary>, BadRequestProblem, Refusal, ConflictProblem>> CloseAsync(
        ClaimsPrincipal user, string pseudonym, ClosureRequest request, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsync(user, Close, pseudonym, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        var reasons = access.Engine.Vocabulary.ClosureReasons;
        if (request.Reason is null || !reasons.Contains(request.Reason, StringComparer.Ordinal))
        {
            return await gate.InvalidAsync(access, "The case cannot be closed",
                [$"reason must be one of the convenant's closure reasons: {string.Join(", ", reasons)}"], cancellationToken);
        }

        // The evaluation record takes only the catalogue's evaluation enums, decrypted here and copied as values.
        var values = await files.ReadEvaluationValuesAsync(access.State.Pseudonym, cancellationToken);
        var set = access.Engine.Set;
        var exploitation = EvaluationFields.Find(set, EvaluationFields.ExploitationType) is not null ? values.GetValueOrDefault(EvaluationFields.ExploitationType) : null;
        var outcome = EvaluationFields.Find(set, EvaluationFields.Outcome) is not null ? values.GetValueOrDefault(EvaluationFields.Outcome) : null;

        await gate.PermitAsync(access, cancellationToken, $"closure:{request.Reason}");
        if (!await lifecycle.CloseAsync(access.State.Pseudonym, access.State.Step, request.Reason, access.Now, exploitation, outcome, cancellationToken))
        {
            return await gate.ConflictAsync(access, "The case changed",
                "the case left its step or was closed while this request was decided; nothing changed", cancellationToken, $"closure:{request.Reason}");
        }

        CaseLog.Closed(logger, access.State.Pseudonym.Value, request.Reason);
        return await summaries.SummaryAsync(access, cancellationToken) is { } summary ? TypedResults.Ok(summary) : new Refusal(Problems.CaseNotFound());
    }
}
