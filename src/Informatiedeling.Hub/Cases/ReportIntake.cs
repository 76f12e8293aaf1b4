using System.Security.Claims;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Access;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Storage.Cases;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Informatiedeling.Hub.Cases;

/// <summary>
/// A report about a person whose file is open is added to that file as its own entry (date, reporting partner,
/// content), decided like any write: for the case's current step and the reporting point's role there now. It is
/// never merged into the file's fields, so it overwrites nothing another partner wrote and does not reach the
/// evaluation record. Without standing on the case the answer is that of a case that does not exist.
/// </summary>
internal sealed class ReportIntake(Gate gate, ClientFileStore files)
{
    public static readonly AccessRoute AddReport = new("case.add-report", CaseBroker.IntakeAction, RequiresStanding: true);

    public async Task<Results<Created<IntakeResult>, Ok<IntakeResult>, BadRequestProblem, Refusal, ConflictProblem>> AddAsync(
        ClaimsPrincipal user, CasePseudonym pseudonym, IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsync(user, AddReport, pseudonym.Value, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        var v = access.Engine.Vocabulary;
        var set = access.Engine.Set;
        var decisions = Enumerable.Range(0, v.Purposes.Count)
            .Select(p => DecisionInput.Decide(access.Engine, access.Caller.Partner, access.Standing.Role?.Name(), access.State.Step, "open", v.Purposes.Names[p], null, access.Now, access.Standing.InvitedUntil, null))
            .Where(d => d.Scope == ReleaseScope.Case)
            .ToList();
        var writable = decisions.Aggregate(0UL, (mask, d) => mask | d.Permitted);
        var categories = fields.Keys.Select(id => v.Categories.Names[set.FindField(id)!.Category]).Distinct(StringComparer.Ordinal).ToList();
        var refused = fields.Keys.Select(id => set.FindField(id)!).Where(f => (writable & (1UL << f.Category)) == 0).ToList();
        if (refused.Count > 0)
        {
            var why = Why(access, decisions, refused[0].Category);
            return await gate.RefuseAsync(access, why, Problems.Forbidden(
                "Fields outside what this partner may add to the file in this step",
                string.Join("; ", refused.Select(f => $"field '{f.Id}' is in category '{v.Categories.Names[f.Category]}', which this partner may not write in step '{access.State.Step}'"))
                    + $" ({why.Text})",
                why), cancellationToken, categories: categories);
        }

        // Recorded before it happens: if the log cannot take it, nothing is written.
        await gate.PermitAsync(access, cancellationToken, categories: categories);
        if (await files.AppendReportWhileInStepAsync(pseudonym, access.State.Step, access.Caller.Partner, fields, cancellationToken) is null)
        {
            return await gate.ConflictAsync(access, "The case changed", $"the case left step '{access.State.Step}' while this report was decided; nothing was added",
                cancellationToken, categories: categories);
        }

        return TypedResults.Ok(new IntakeResult(pseudonym.Value, Created: false));
    }

    /// <summary>
    /// Why a category may not be written here: the rule of a role view or fence that withholds it under a purpose
    /// this partner has in this step, else the rule that keeps the purposes from it.
    /// </summary>
    private static Explanation Why(CaseAccess access, List<Decision> decisions, int category)
    {
        var purposeRules = access.Engine.Set.Rules.Purposes.Select(p => p.Rule.Id).ToHashSet(StringComparer.Ordinal);
        var explanations = decisions.Select(d => d.ExplanationFor(category)).ToList();
        return explanations.FirstOrDefault(e => !purposeRules.Contains(e.RuleId)) ?? explanations.FirstOrDefault() ?? access.Rule!;
    }
}
