using System.Security.Claims;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Storage.Cases;

namespace Informatiedeling.Hub.Cases;

/// <summary>
/// Writing to the client file: a weighing (<c>weging-vastleggen</c>) or fields under a purpose
/// (<c>velden-schrijven</c>). A partner writes only fields of categories it may itself receive here (fences included).
/// </summary>
internal sealed class CaseWrites(CaseGate gate, CaseAudit audit, ClientFileStore files)
{
    public const string WeighingAction = "weging-vastleggen";
    public const string FieldsAction = "velden-schrijven";
    public const string WeighingOperation = "case.weighing";
    public const string FieldsOperation = "case.write";

    /// <summary>The weighings of the chain process; each writes only fields of its own section of the catalogue.</summary>
    public static readonly string[] Weighings = ["eerste-weging", "tweede-weging"];

    public async Task<IResult> WeighAsync(ClaimsPrincipal user, string pseudonym, WeighingRequest request, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsync(user, pseudonym, WeighingAction, WeighingOperation, cancellationToken);
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
            return await gate.BadRequestAsync(user, access, WeighingOperation, "The weighing cannot be recorded", problems, cancellationToken);
        }

        var read = FieldJson.Read(access.Engine.Set, request.Fields!);
        if (!read.Valid)
        {
            return await InvalidAsync(user, access, WeighingOperation, "The weighing cannot be recorded", read.Errors, cancellationToken);
        }

        // A weighing serves the step it is recorded in: the writer may write what it may receive here under any purpose.
        var writable = 0UL;
        var v = access.Engine.Vocabulary;
        for (var purpose = 0; purpose < v.Purposes.Count; purpose++)
        {
            var decision = Decide(access, v.Purposes.Names[purpose]);
            writable |= decision.Scope == ReleaseScope.Case ? decision.Permitted : 0;
        }

        return await WriteAsync(user, access, WeighingOperation, null, $"weighing:{request.Weighing}", read.Values, writable, cancellationToken);
    }

    public async Task<IResult> WriteFieldsAsync(ClaimsPrincipal user, string pseudonym, FieldsRequest request, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsync(user, pseudonym, FieldsAction, FieldsOperation, cancellationToken);
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
            return await gate.BadRequestAsync(user, access, FieldsOperation, "The fields cannot be written", problems, cancellationToken);
        }

        var read = FieldJson.Read(access.Engine.Set, request.Fields!);
        if (!read.Valid)
        {
            return await InvalidAsync(user, access, FieldsOperation, "The fields cannot be written", read.Errors, cancellationToken);
        }

        var decision = Decide(access, request.Purpose!);
        if (decision.UnknownKind != IdentifierKind.None)
        {
            await audit.RecordAsync(user, access.Engine, new CaseEvent(FieldsOperation, access.State.Pseudonym, AccessDecision.Deny, decision.Rule, access.Role), cancellationToken);
            return Problems.Forbidden("Request refused", decision.Describe(decision.Rule), decision.Rule);
        }

        return await WriteAsync(user, access, FieldsOperation, request.Purpose, null, read.Values, decision.Permitted, cancellationToken);
    }

    private async Task<IResult> WriteAsync(
        ClaimsPrincipal user, CaseAccess access, string operation, string? purpose, string? subject,
        Dictionary<string, string> fields, ulong writable, CancellationToken cancellationToken)
    {
        try
        {
            files.Validate(fields);
        }
        catch (FieldValidationException e)
        {
            return await gate.BadRequestAsync(user, access, operation, "The client file does not accept these fields", e.Problems, cancellationToken);
        }

        var set = access.Engine.Set;
        var categories = access.Engine.Vocabulary.Categories;
        var refused = fields.Keys
            .Select(id => set.FindField(id)!)
            .Where(f => (writable & (1UL << f.Category)) == 0)
            .Select(f => $"field '{f.Id}' is in category '{categories.Names[f.Category]}', which this partner may not write here")
            .ToList();
        var written = fields.Keys.Select(id => categories.Names[set.FindField(id)!.Category]).Distinct(StringComparer.Ordinal).ToList();
        if (refused.Count > 0)
        {
            await audit.RecordAsync(user, access.Engine, new CaseEvent(operation, access.State.Pseudonym, AccessDecision.Deny, access.Decision.Rule, access.Role, purpose, subject, written), cancellationToken);
            return Problems.ForbiddenList("Fields outside what this partner may write", refused);
        }

        // Recorded before it happens: if the log cannot take it, nothing is written.
        await audit.RecordAsync(user, access.Engine, new CaseEvent(operation, access.State.Pseudonym, AccessDecision.Permit, access.Decision.Rule, access.Role, purpose, subject, written), cancellationToken);
        if (!await files.WriteWhileInStepAsync(access.State.Pseudonym, fields, access.State.Step, cancellationToken))
        {
            await audit.RecordAsync(user, access.Engine, new CaseEvent(operation, access.State.Pseudonym, AccessDecision.Error, access.Decision.Rule, access.Role, purpose, subject, written), cancellationToken);
            return Problems.Conflict("The case changed", $"the case left step '{access.State.Step}' while this write was decided; nothing was written");
        }

        return TypedResults.Ok(new WriteResult(access.State.Pseudonym.Value, [.. fields.Keys.Order(StringComparer.Ordinal)]));
    }

    /// <summary>Field values refused by the catalogue: recorded as an error, answered 400 naming each member, nothing written.</summary>
    private async Task<IResult> InvalidAsync(
        ClaimsPrincipal user, CaseAccess access, string operation, string title, IReadOnlyDictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        await audit.RecordAsync(user, access.Engine, new CaseEvent(operation, access.State.Pseudonym, AccessDecision.Error, null, access.Role), cancellationToken);
        return Problems.Invalid(title, errors);
    }

        /// <summary>What the caller may receive under <paramref name="purpose"/> in its role in the current step (no justification: never under a purpose whose fence requires one).</summary>
    private static Decision Decide(CaseAccess access, string purpose) =>
        DecisionInput.Decide(access.Engine, access.Partner, access.Role?.Name(), access.State.Step, "open", purpose, null, access.Now, access.Standing.InvitedUntil, null);

    /// <summary>A field id as typed, cut short and stripped of control characters, for a problem message (ids are not personal data, but are caller input).</summary>
}
