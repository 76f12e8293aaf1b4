using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Informatiedeling.AccessLog.Checkpoints;
using Informatiedeling.AccessLog.Merkle;
using Informatiedeling.AccessLog.Records;

namespace Informatiedeling.Storage.AccessLog;

/// <summary>
/// A data subject's report (AVG art. 15 with CJEU C-579/21): every access that released data of the person's files,
/// the signed checkpoint that covers them and an inclusion proof per access, so that anyone holding the log's verifier
/// key can check it later (<c>infodeel log verify-report</c>).
/// </summary>
/// <param name="Binding">
/// <see cref="LeafBinding"/>: every access carries its leaf (the record's bytes as the tree holds them), so each shown
/// field is checked against what the checkpoint signs. <see cref="HashOnlyBinding"/>: the leaves are left out because
/// they hold the employees' user ids; the inclusion of each record verifies, the shown fields are not bound to it.
/// </param>
public sealed record SubjectReport(
    int Version,
    DateTimeOffset GeneratedAt,
    IReadOnlyList<string> Cases,
    string Scope,
    bool Identities,
    string? Reason,
    string Binding,
    SubjectReportCheckpoint Checkpoint,
    IReadOnlyList<SubjectReportAccess> Accesses,
    string Verification)
{
    public const int CurrentVersion = 1;
    public const string LeafBinding = "leaf";
    public const string HashOnlyBinding = "hash-only";

    /// <summary>How the report is written and read: web defaults (camelCase), indented.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}

/// <summary>The signed checkpoint the report's proofs lead to: the note as signed, and its size and root for reading.</summary>
public sealed record SubjectReportCheckpoint(long Size, string RootHash, string Note, string VerifierKey);

/// <summary>
/// One access to the person's data: when (recorded), the case, what, for which purpose and on which legal ground, who
/// received it (partner and role, the user only when identities are included), the categories released; then the
/// proof: the leaf hash, the leaf itself when bound, and the inclusion path in the checkpoint's tree.
/// </summary>
public sealed record SubjectReportAccess(
    long Seq,
    DateTimeOffset Date,
    string? Case,
    string? Operation,
    string? Purpose,
    string? LegalGround,
    string? Partner,
    string? Role,
    string? User,
    IReadOnlyList<string> CategoriesReleased,
    string? Decision,
    bool Emergency,
    string LeafHash,
    string? Leaf,
    IReadOnlyList<string> InclusionPath)
{
    /// <summary>The row as shown, from the record of <paramref name="leaf"/>; the user only when <paramref name="identities"/>.</summary>
    public static SubjectReportAccess Of(LoggedRecord logged, bool identities, byte[] leafHash, byte[]? leaf, IReadOnlyList<byte[]> path)
    {
        ArgumentNullException.ThrowIfNull(logged);
        var r = logged.Record;
        return new SubjectReportAccess(
            logged.Seq, logged.RecordedAt, r.Case?.Value, r.Operation, r.Purpose?.Value, r.LegalGround, r.ActorPartner?.Value, r.Role,
            identities ? r.ActorUser : null, r.CategoriesReleased, r.Decision == AccessDecision.None ? null : AccessLogNames.Decision(r.Decision), r.Emergency,
            Convert.ToBase64String(leafHash), leaf is null ? null : Convert.ToBase64String(leaf), [.. path.Select(Convert.ToBase64String)]);
    }
}

/// <summary>The outcome of checking a report: verified, or the first thing that is not.</summary>
public sealed record SubjectReportVerdict(bool Verified, string Message);

/// <summary>
/// Checks a data subject's report as an outsider can, with the log's verifier key only: the checkpoint's signature;
/// each access's inclusion proof against the signed root; and, when the report carries leaves, that each leaf hashes to
/// the proven leaf hash and that every shown field is the leaf's. The hub's tests and <c>infodeel log verify-report</c>
/// both call this.
/// </summary>
public static class SubjectReportVerifier
{
    public static SubjectReportVerdict Verify(string json, CheckpointVerifier verifier)
    {
        SubjectReport? report;
        try
        {
            report = JsonSerializer.Deserialize<SubjectReport>(json, SubjectReport.Json);
        }
        catch (JsonException e)
        {
            return new(false, $"the report is not a subject report: {e.Message}");
        }

        return report is null ? new(false, "the report is empty") : Verify(report, verifier);
    }

    public static SubjectReportVerdict Verify(SubjectReport report, CheckpointVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(verifier);
        if (report.Version != SubjectReport.CurrentVersion)
        {
            return new(false, $"the report is of version {report.Version}, not {SubjectReport.CurrentVersion}");
        }

        if (report.Binding is not (SubjectReport.LeafBinding or SubjectReport.HashOnlyBinding))
        {
            return new(false, $"the report's binding '{report.Binding}' is neither '{SubjectReport.LeafBinding}' nor '{SubjectReport.HashOnlyBinding}'");
        }

        var signed = verifier.Verify(report.Checkpoint?.Note);
        if (!signed.IsVerified)
        {
            return new(false, $"the checkpoint does not verify: {signed.Reason}");
        }

        var checkpoint = signed.Checkpoint;
        var root = checkpoint.RootHash.Span;
        if (report.Checkpoint!.Size != checkpoint.Size || !TryBase64(report.Checkpoint.RootHash, out var shownRoot) || !root.SequenceEqual(shownRoot))
        {
            return new(false, "the checkpoint's size or root as shown is not the signed one");
        }

        foreach (var access in report.Accesses ?? [])
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"access at seq {access.Seq}");
            if (!TryBase64(access.LeafHash, out var leafHash))
            {
                return new(false, $"{at}: the leaf hash is not base64");
            }

            var path = new List<byte[]>();
            foreach (var step in access.InclusionPath ?? [])
            {
                if (!TryBase64(step, out var node))
                {
                    return new(false, $"{at}: the inclusion proof is not base64");
                }

                path.Add(node);
            }

            if (!InclusionProof.Verify(access.Seq, checkpoint.Size, leafHash, path, root))
            {
                return new(false, $"{at}: the inclusion proof does not lead to the checkpoint's root");
            }

            if (access.Leaf is null)
            {
                if (report.Binding == SubjectReport.LeafBinding)
                {
                    return new(false, $"{at}: the report binds its fields to the leaves, but this access has none");
                }

                continue;
            }

            if (!TryBase64(access.Leaf, out var leaf) || !MerkleHash.LeafHash(leaf).AsSpan().SequenceEqual(leafHash))
            {
                return new(false, $"{at}: the leaf does not hash to the proven leaf hash");
            }

            LoggedRecord logged;
            try
            {
                logged = AccessRecordEncoding.Decode(leaf);
            }
            catch (FormatException e)
            {
                return new(false, $"{at}: the leaf is not a record: {e.Message}");
            }

            if (Mismatch(access, logged, report.Identities) is { } field)
            {
                return new(false, $"{at}: '{field}' as shown is not what the record holds");
            }
        }

        var count = (report.Accesses ?? []).Count;
        return new(true, report.Binding == SubjectReport.LeafBinding
            ? string.Create(CultureInfo.InvariantCulture, $"{count} access(es) verified against checkpoint {checkpoint.Size}: every shown field is the signed record's")
            : string.Create(CultureInfo.InvariantCulture, $"{count} access(es) verified against checkpoint {checkpoint.Size}: each record is in the log; the shown fields are not bound (the leaves, holding the employees' identities, are left out)"));
    }

    /// <summary>The first shown field that differs from the record, or null.</summary>
    private static string? Mismatch(SubjectReportAccess shown, LoggedRecord logged, bool identities)
    {
        var r = logged.Record;
        return shown.Seq != logged.Seq ? "seq"
            : shown.Date != logged.RecordedAt ? "date"
            : shown.Case != r.Case?.Value ? "case"
            : shown.Operation != r.Operation ? "operation"
            : shown.Purpose != r.Purpose?.Value ? "purpose"
            : shown.LegalGround != r.LegalGround ? "legalGround"
            : shown.Partner != r.ActorPartner?.Value ? "partner"
            : shown.Role != r.Role ? "role"
            : shown.User != (identities ? r.ActorUser : null) ? "user"
            : !(shown.CategoriesReleased ?? []).SequenceEqual(r.CategoriesReleased, StringComparer.Ordinal) ? "categoriesReleased"
            : shown.Decision != (r.Decision == AccessDecision.None ? null : AccessLogNames.Decision(r.Decision)) ? "decision"
            : shown.Emergency != r.Emergency ? "emergency"
            : null;
    }

    private static bool TryBase64(string? text, out byte[] bytes)
    {
        bytes = [];
        if (text is null)
        {
            return false;
        }

        try
        {
            bytes = Convert.FromBase64String(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
