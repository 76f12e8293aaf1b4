using System.Security.Claims;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Access;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Storage.Cases;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Informatiedeling.Hub.Cases;

/// <summary>
/// Writing to the client file: a weighing (<c>weging-vastleggen</c>) or fields under a purpose
/// (<c>velden-schrijven</c>). A partner writes only fields of categories it may itself receive here (fences included).
/// </summary>
internal sealed class CaseWrites(Gate gate, ClientFileStore files)
{
    public static readonly AccessRoute Weighing = new("case.weighing", "weging-vastleggen");
    public static readonly AccessRoute Fields = new("case.write", "velden-schrijven");

    /// <summary>The weighings of the chain process; each writes only fields of its own section of the catalogue.</summary>
    public static readonly string[] Weighings = ["eerste-weging", "tweede-weging"];

    public async Task<Results<Ok<WriteResult>, BadRequestProblem, Refusal, ConflictProblem>> WeighAsync(
        ClaimsPrincipal user, string pseudonym, WeighingRequest request, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsync(user, Weighing, pseudonym, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        var problems = new List<string>();
        if (request.Weighing is null || !Weighings.Contains(request.Weighing, StringComparer.Ordinal))
        {
            problems.Add($"weighing must be one of: {string.Join(", ", Weighings)}");
        }
        else if (request.Fields is { Count: > 0 } fields)
        {
            problems.AddRange(fields.Keys
                .Where(id => !id.StartsWith(request.Weighing + ".", StringComparison.Ordinal))
                .Select(id => $"field '{Problems.Printable(id)}' is not a field of the weighing '{request.Weighing}' ({request.Weighing}.*)"));
        }

        if (request.Fields is not { Count: > 0 })
        {
            problems.Add("fields must hold at least one field");
        }

        if (problems.Count > 0)
        {
            return await gate.InvalidAsync(access, "The weighing cannot be recorded", problems, cancellationToken);
        }

        var read = FieldJson.Read(access.Engine.Set, request.Fields!);
        if (!read.Valid)
        {
            return await gate.InvalidAsync(access, "The weighing cannot be recorded", read.Errors, cancellationToken);
        }

        // A weighing serves the step it is recorded in: the writer may write what it may receive here under any purpose.
        var writable = 0UL;
        var v = access.Engine.Vocabulary;
        for (var purpose = 0; purpose < v.Purposes.Count; purpose++)
        {
            var decision = Decide(access, v.Purposes.Names[purpose]);
            writable |= decision.Scope == ReleaseScope.Case ? decision.Permitted : 0;
        }

        return await WriteAsync(access, null, $"weighing:{request.Weighing}", read.Values, writable, cancellationToken);
    }

    public async Task<Results<Ok<WriteResult>, BadRequestProblem, Refusal, ConflictProblem>> WriteFieldsAsync(
        ClaimsPrincipal user, string pseudonym, FieldsRequest request, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsync(user, Fields, pseudonym, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(request.Purpose))
        {
            problems.Add("every write declares its purpose (convenant art. 3.1): add \"purpose\"");
        }

        if (request.Fields is not { Count: > 0 })
        {
            problems.Add("fields must hold at least one field");
        }

        if (problems.Count > 0)
        {
            return await gate.InvalidAsync(access, "The fields cannot be written", problems, cancellationToken);
        }

        var read = FieldJson.Read(access.Engine.Set, request.Fields!);
        if (!read.Valid)
        {
            return await gate.InvalidAsync(access, "The fields cannot be written", read.Errors, cancellationToken);
        }

        var decision = Decide(access, request.Purpose!);
        if (decision.UnknownKind != IdentifierKind.None)
        {
            return await gate.RefuseAsync(access, decision.Rule, Problems.Forbidden("Request refused", decision.Describe(decision.Rule), decision.Rule), cancellationToken);
        }

        return await WriteAsync(access, request.Purpose, null, read.Values, decision.Permitted, cancellationToken);
    }

    private async Task<Results<Ok<WriteResult>, BadRequestProblem, Refusal, ConflictProblem>> WriteAsync(
        CaseAccess access, string? purpose, string? subject, Dictionary<string, string> fields, ulong writable, CancellationToken cancellationToken)
    {
        try
        {
            files.Validate(fields);
        }
        catch (FieldValidationException e)
        {
            return await gate.InvalidAsync(access, "The client file does not accept these fields", e.Problems, cancellationToken);
        }

        var set = access.Engine.Set;
        var categories = access.Engine.Vocabulary.Categories;
        var refused = fields.Keys
            .Select(id => set.FindField(id)!)
            .Where(f => (writable & (1UL << f.Category)) == 0)
            .Select(f => $"field '{f.Id}' is in category '{categories.Names[f.Category]}', which this partner may not write here")
            .ToList();
        var written = fields.Keys.Select(id => categories.Names[set.FindField(id)!.Category]).Distinct(StringComparer.Ordinal).ToList();
        var about = access with { Purpose = purpose };
        if (refused.Count > 0)
        {
            return await gate.RefuseAsync(about, access.Rule!, Problems.ForbiddenList("Fields outside what this partner may write", refused), cancellationToken, subject, written);
        }

        // Recorded before it happens: if the log cannot take it, nothing is written.
        await gate.PermitAsync(about, cancellationToken, subject, written);
        if (!await files.WriteWhileInStepAsync(access.State.Pseudonym, fields, access.State.Step, cancellationToken))
        {
            return await gate.ConflictAsync(about, "The case changed", $"the case left step '{access.State.Step}' while this write was decided; nothing was written",
                cancellationToken, subject, written);
        }

        return TypedResults.Ok(new WriteResult(access.State.Pseudonym.Value, [.. fields.Keys.Order(StringComparer.Ordinal)]));
    }

    /// <summary>What the caller may receive under <paramref name="purpose"/> in its role in the current step (no justification: never under a purpose whose fence requires one).</summary>
    private static Decision Decide(CaseAccess access, string purpose) =>
        DecisionInput.Decide(access.Engine, access.Caller.Partner, access.Standing.Role?.Name(), access.State.Step, "open", purpose, null, access.Now, access.Standing.InvitedUntil, null);
}
