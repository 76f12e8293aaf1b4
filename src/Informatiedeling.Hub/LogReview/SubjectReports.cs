using System.Globalization;
using System.Security.Claims;
using Informatiedeling.AccessLog.Merkle;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Access;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Cases;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Informatiedeling.Hub.LogReview;

/// <summary>A data subject's report asked by case: the pseudonym, and the reason for naming the employees, if any.</summary>
public sealed record SubjectReportRequest(string? Case, string? Reason);

/// <summary>A data subject's report asked by person: name and date of birth (through the keyed blind index), and the reason for naming the employees, if any.</summary>
public sealed record SubjectReportPersonRequest(
    [property: System.ComponentModel.DataAnnotations.Required, Informatiedeling.Hub.Cases.PersonName] string? FullName,
    [property: System.ComponentModel.DataAnnotations.Required] DateOnly? DateOfBirth,
    string? Reason = null);

/// <summary>
/// A data subject's report (AVG art. 15 with CJEU C-579/21, <c>/access-log/subject-report</c>): per access that
/// released data of the person's files, the date, purpose and legal ground, the receiving partner and role and the
/// categories released. The employees' identities are left out unless the request gives a reason from a closed list
/// (C-579/21: only where needed for the data subject's rights); that reason is the only thing the read records beyond
/// the counts. The report carries a signed checkpoint covering every access and an inclusion proof per access.
/// The hub's privacy officer reports every partner's accesses; a partner's own privacy officer only its employees'.
/// </summary>
internal sealed class SubjectReports(Gate gate, AccessLogStore store, ClientFileStore files, CheckpointIssuer issuer)
{
    public static readonly AccessRoute ByCase = new("access-log.subject-report", Kind: AccessEventKind.LogRead, PrivacyOfficerOnly: true, PartnerPrivacyOfficers: true);
    public static readonly AccessRoute ByPerson = new("access-log.subject-report.person", Kind: AccessEventKind.LogRead, PrivacyOfficerOnly: true, PartnerPrivacyOfficers: true);

    /// <summary>At most this many accesses in one report; a person with more is refused rather than shown in part.</summary>
    public const int MaxAccesses = 100_000;

    /// <summary>Why the employees are named: a closed list, so that no free text lands in the log.</summary>
    public static readonly IReadOnlyDictionary<string, string> Reasons = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["rights-exercise"] = "noodzakelijk voor de uitoefening van de rechten van betrokkene",
        ["unlawful-access-suspected"] = "vermoeden van onrechtmatige toegang",
    };

    public Task<Results<Ok<SubjectReport>, BadRequestProblem, ForbiddenProblem, NotFoundProblem, ConflictProblem>> ForCaseAsync(
        ClaimsPrincipal user, SubjectReportRequest request, CancellationToken cancellationToken) =>
        ReportAsync(user, ByCase, request.Reason, async (access, problems) =>
        {
            if (string.IsNullOrWhiteSpace(request.Case) || !CasePseudonym.TryParse(request.Case.Trim(), out var pseudonym))
            {
                problems.Add("'case' must be a case pseudonym as the hub gives it");
                return [];
            }

            // A file purged under retention keeps its log records: the report still answers for them.
            return access.Officer!.All && await files.ExistsAsync(pseudonym, cancellationToken) ? [pseudonym] : await WithRecordsAsync(access, [pseudonym], cancellationToken);
        }, cancellationToken);

    public Task<Results<Ok<SubjectReport>, BadRequestProblem, ForbiddenProblem, NotFoundProblem, ConflictProblem>> ForPersonAsync(
        ClaimsPrincipal user, SubjectReportPersonRequest request, CancellationToken cancellationToken) =>
        ReportAsync(user, ByPerson, request.Reason, async (access, _) =>
        {
            var found = await files.FindCasesAsync(new PersonKey(request.FullName!, request.DateOfBirth!.Value), cancellationToken);
            return access.Officer!.All ? [.. found] : await WithRecordsAsync(access, found, cancellationToken);
        }, cancellationToken);

    private async Task<Results<Ok<SubjectReport>, BadRequestProblem, ForbiddenProblem, NotFoundProblem, ConflictProblem>> ReportAsync(
        ClaimsPrincipal user, AccessRoute route, string? reasonText, Func<Access.Access, List<string>, Task<List<CasePseudonym>>> resolve, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsPrivacyOfficerAsync(user, route, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        var problems = new List<string>();
        var reason = string.IsNullOrWhiteSpace(reasonText) ? null : reasonText.Trim();
        if (reason is not null && !Reasons.ContainsKey(reason))
        {
            problems.Add($"'reason' must be one of {string.Join(", ", Reasons.Keys)} (or left out: the employees are then not named)");
        }

        var cases = await resolve(access, problems);
        if (problems.Count > 0)
        {
            return await gate.InvalidAsync(access, "The data subject's report is not valid", problems, cancellationToken);
        }

        var identities = reason ?? "none";
        if (cases.Count == 0)
        {
            // The same answer for a file that does not exist and one outside the officer's scope; recorded without a read.
            await gate.RecordAsync(access, AccessDecision.Error, null, cancellationToken, subject: $"subject-report;identities={identities};hits=0");
            return new NotFoundProblem(Problems.CaseNotFound());
        }

        // No record, no read: the report is on the log, under each file, before a row is read.
        var subject = string.Create(CultureInfo.InvariantCulture, $"subject-report;identities={identities};hits={cases.Count}");
        await Task.WhenAll(cases.Select(c => gate.RecordAsync(access, AccessDecision.Permit, null, cancellationToken, subject: subject, about: c)));

        var scope = access.Officer!;
        var leaves = await store.QueryLeavesAsync(
            new AccessLogQuery { Kind = AccessEventKind.AccessDecision, Cases = cases, Partner = scope.Partner, Limit = MaxAccesses + 1 }, cancellationToken);
        if (leaves.Count > MaxAccesses)
        {
            // A report cut short would say less than the truth: refused, and recorded, rather than half given.
            return await gate.ConflictAsync(access, "Too many accesses for one report",
                string.Create(CultureInfo.InvariantCulture, $"More than {MaxAccesses} accesses to this person's files: export them instead (GET /access-log/export?case=…)."),
                cancellationToken, subject: subject + ";too-many");
        }

        var released = new List<(StoredLeaf Leaf, LoggedRecord Logged)>();
        foreach (var leaf in leaves)
        {
            var logged = AccessRecordEncoding.Decode(leaf.Leaf);
            if (logged.Record.Decision is AccessDecision.Permit or AccessDecision.Partial && logged.Record.CategoriesReleased.Count > 0)
            {
                released.Add((leaf, logged));
            }
        }

        StoredCheckpoint checkpoint;
        try
        {
            checkpoint = await CoveringCheckpointAsync(released.Count == 0 ? -1 : released.Max(r => r.Leaf.Seq), cancellationToken);
        }
        catch (CheckpointRefusedException e)
        {
            return await gate.ConflictAsync(access, "The log does not extend its last checkpoint",
                $"The hub refuses to sign its current state ({e.Break.Message}), so the report cannot carry a checkpoint; verify the log.",
                cancellationToken, subject: subject + ";refused");
        }

        // Every leaf hash up to the checkpoint, to build the tree once: linear in the log's size (see the docs).
        var tree = InclusionProofs.Build(await store.ReadLeafHashesAsync(checkpoint.Size, cancellationToken), checkpoint.Size);
        if (!tree.Root.AsSpan().SequenceEqual(checkpoint.Root))
        {
            throw new InvalidOperationException("The stored leaf hashes do not lead to the checkpoint's root; run 'infodeel log verify'.");
        }

        var named = reason is not null;
        var accesses = new List<SubjectReportAccess>(released.Count);
        foreach (var (leaf, logged) in released)
        {
            if (!tree.LeafHash(leaf.Seq).AsSpan().SequenceEqual(leaf.LeafHash))
            {
                throw new InvalidOperationException("A stored leaf hash differs from the tree's; run 'infodeel log verify'.");
            }

            // The leaf holds the employee's user id: shown only when the employees are named.
            accesses.Add(SubjectReportAccess.Of(logged, named, leaf.LeafHash, named ? leaf.Leaf : null, tree.Path(leaf.Seq)));
        }

        return TypedResults.Ok(new SubjectReport(
            SubjectReport.CurrentVersion,
            access.Now,
            [.. cases.Select(c => c.Value)],
            scope.All ? "all" : scope.Partner!.Value.Value,
            named,
            reason,
            named ? SubjectReport.LeafBinding : SubjectReport.HashOnlyBinding,
            new SubjectReportCheckpoint(checkpoint.Size, Convert.ToBase64String(checkpoint.Root), checkpoint.Note, issuer.VerifierKey),
            accesses,
            $"infodeel log verify-report <dit bestand> --verifier-key {issuer.VerifierKey}"));
    }

    /// <summary>The latest signed checkpoint when it covers <paramref name="lastSeq"/>, else a new one (the log grew).</summary>
    private async Task<StoredCheckpoint> CoveringCheckpointAsync(long lastSeq, CancellationToken cancellationToken)
    {
        var stored = await store.ReadCheckpointsAsync(cancellationToken);
        if (stored.Count > 0 && stored[^1].Size > lastSeq)
        {
            return stored[^1];
        }

        return (await issuer.IssueAsync(cancellationToken)).Checkpoint;
    }

    /// <summary>Those of <paramref name="cases"/> whose data an employee of the officer's partner was given: what a partner's officer may report on.</summary>
    private async Task<List<CasePseudonym>> WithRecordsAsync(Access.Access access, IEnumerable<CasePseudonym> cases, CancellationToken cancellationToken)
    {
        var seen = new List<CasePseudonym>();
        foreach (var c in cases)
        {
            // Only a release by the partner's employees counts: a refusal (answered as for a case that does not
            // exist) or the officer's own reads must not tell the officer that the file exists.
            foreach (var decision in new[] { AccessDecision.Permit, AccessDecision.Partial })
            {
                if ((await store.QueryAsync(new AccessLogQuery { Case = c, Partner = access.Officer!.Partner, Kind = AccessEventKind.AccessDecision, Decision = decision, Limit = 1 }, cancellationToken)).Count > 0)
                {
                    seen.Add(c);
                    break;
                }
            }
        }

        return seen;
    }
}
