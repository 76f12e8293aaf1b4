using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Security.Claims;
using Informatiedeling.AccessLog.Checkpoints;
using Informatiedeling.AccessLog.Merkle;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Access;
using Informatiedeling.Storage.AccessLog;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Informatiedeling.Hub.LogReview;

/// <summary>A signed checkpoint of the access log: its size, root (hex), when, the signed note and the key that verifies it.</summary>
public sealed record SignedCheckpoint(long Size, string Root, DateTimeOffset? At, string Note, string VerifierKey);

/// <summary>
/// One integrity check a privacy officer ran: a full verification (<c>verify</c>: verified or failed, the records
/// checked, the first bad seq) or a comparison with a kept checkpoint (<c>consistency</c>: append-only, truncated,
/// forked, different-log). Sizes and seq numbers only.
/// </summary>
public sealed record IntegrityCheck(
    string Check, string Outcome, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, long Size, long? KeptSize, long? FirstBadSeq, int CheckpointsChecked, string Message)
{
    internal static IntegrityCheck Of(AccessLogVerificationRow row) => new(
        row.Check, row.Outcome, DateTimeOffset.FromUnixTimeMilliseconds(row.StartedAt), DateTimeOffset.FromUnixTimeMilliseconds(row.FinishedAt),
        row.Size, row.KeptSize, row.FirstBadSeq, row.CheckpointsChecked, row.Message);
}

/// <summary>
/// The log's integrity at a glance: the latest signed checkpoint; the last full verification and the last comparison
/// with a kept checkpoint (null: none yet); whether a verification runs on this instance now and when the next may
/// start; and, when this instance's checkpoint service refused to sign, why.
/// </summary>
public sealed record IntegrityStatus(
    SignedCheckpoint? Checkpoint, IntegrityCheck? LastVerification, IntegrityCheck? LastConsistency, bool VerificationRunning, DateTimeOffset? NextVerificationFrom, string? CheckpointRefusal);

/// <summary>A checkpoint a witness kept: the signed note text exactly as the hub gave it.</summary>
public sealed record KeptCheckpointRequest([property: Required, MaxLength(CheckpointVerifier.MaxNoteBytes)] string? Checkpoint);

/// <summary>
/// Whether the log is consistent with the kept checkpoint: the verdict, the latest checkpoint it was compared with,
/// and the RFC 9162 consistency proof (base64 hashes) from the kept size to the latest, for the witness to check itself.
/// </summary>
public sealed record ConsistencyAnswer(bool Consistent, string Outcome, string Reason, long KeptSize, SignedCheckpoint Latest, IReadOnlyList<string> Proof);

/// <summary>429: too soon after the last one; nothing was done.</summary>
internal sealed class TooManyRequestsProblem(ProblemDetails details) : ProblemAnswer(details), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status429TooManyRequests);
}

/// <summary>
/// Integrity at a glance for the privacy officer (<c>/access-log/integrity</c>): the latest signed checkpoint, when
/// the log was last verified and with what result, and whether it is consistent with a checkpoint a witness kept. A
/// verification (the hub's privacy officer only) recomputes the whole log; it is expensive, so one runs at a time on
/// an instance (409 while one runs) and no sooner than <see cref="LogReviewOptions.VerifyInterval"/> after the last one
/// on any instance (429). Each check is recorded in the access log (sizes, outcome, first bad seq) before it is
/// answered, and kept in <c>access_log_verifications</c> for the page.
/// </summary>
internal sealed class LogIntegrity(
    Gate gate, AccessLogStore log, AccessLogVerifier verifier, AccessLogVerificationStore checks, CheckpointIssuer issuer, CheckpointSigner signer,
    AccessLogSettings settings, CheckpointState state, IOptions<LogReviewOptions> options, TimeProvider time)
{
    public static readonly AccessRoute Status = new("access-log.integrity", Kind: AccessEventKind.LogRead, PrivacyOfficerOnly: true, PartnerPrivacyOfficers: true);
    public static readonly AccessRoute Verify = new("access-log.integrity.verify", Kind: AccessEventKind.LogRead, PrivacyOfficerOnly: true);
    public static readonly AccessRoute Consistency = new("access-log.integrity.consistency", Kind: AccessEventKind.LogRead, PrivacyOfficerOnly: true, PartnerPrivacyOfficers: true);

    // One full pass over the log (or over its leaf hashes) at a time on this instance.
    private readonly SemaphoreSlim _running = new(1, 1);
    private readonly CheckpointVerifier _checkpoints = signer.CreateVerifier(settings.Origin);

    public async Task<Results<Ok<IntegrityStatus>, ForbiddenProblem>> StatusAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsPrivacyOfficerAsync(user, Status, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        await gate.PermitAsync(access, cancellationToken, "integrity");
        var stored = await log.ReadCheckpointsAsync(cancellationToken);
        var verification = await checks.LatestAsync(AccessLogVerificationRow.Verify, cancellationToken);
        var consistency = await checks.LatestAsync(AccessLogVerificationRow.Consistency, cancellationToken);
        var snapshot = state.Current;
        return TypedResults.Ok(new IntegrityStatus(
            stored.Count == 0 ? null : Signed(stored[^1]),
            verification is null ? null : IntegrityCheck.Of(verification),
            consistency is null ? null : IntegrityCheck.Of(consistency),
            _running.CurrentCount == 0,
            verification is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(verification.StartedAt) + options.Value.VerifyInterval,
            snapshot.Refusal?.Message));
    }

    /// <summary><c>POST /access-log/integrity/verify</c>: recomputes the whole log now; the result is a log record before it is answered.</summary>
    public async Task<Results<Ok<IntegrityCheck>, ForbiddenProblem, ConflictProblem, TooManyRequestsProblem>> VerifyAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsPrivacyOfficerAsync(user, Verify, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        if (!await _running.WaitAsync(0, cancellationToken))
        {
            return await Busy(access, cancellationToken);
        }

        try
        {
            var last = await checks.LatestAsync(AccessLogVerificationRow.Verify, cancellationToken);
            var now = time.GetUtcNow();
            if (last is not null && DateTimeOffset.FromUnixTimeMilliseconds(last.StartedAt) + options.Value.VerifyInterval is var next && next > now)
            {
                await gate.RecordAsync(access, AccessDecision.Error, null, cancellationToken, subject: "integrity.verify;too-soon");
                return new TooManyRequestsProblem(new()
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "The log was verified a moment ago",
                    Detail = $"A verification reads the whole log; the next may start from {next.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)} (LogReview:VerifyInterval).",
                });
            }

            // Run to the end once begun: a result half-computed and unrecorded helps nobody.
            var result = await verifier.VerifyAsync([], CancellationToken.None);
            var row = new AccessLogVerificationRow
            {
                Check = AccessLogVerificationRow.Verify,
                StartedAt = now.ToUnixTimeMilliseconds(),
                FinishedAt = time.GetUtcNow().ToUnixTimeMilliseconds(),
                Outcome = result.Verified ? "verified" : "failed",
                Size = result.Records,
                FirstBadSeq = result.FirstBadSeq,
                CheckpointsChecked = result.CheckpointsChecked,
                Message = Clip(result.Message),
            };
            await gate.RecordAsync(access, AccessDecision.Permit, null, CancellationToken.None, subject: string.Create(CultureInfo.InvariantCulture,
                $"integrity.verify;result={row.Outcome};size={row.Size};checkpoints={row.CheckpointsChecked};bad={(row.FirstBadSeq is { } bad ? bad.ToString(CultureInfo.InvariantCulture) : "none")}"));
            await checks.AddAsync(row, CancellationToken.None);
            if (result.Verified)
            {
                // What was just verified is signed too (when the log grew since the last checkpoint), for a witness to keep.
                await TryIssueAsync();
            }

            return TypedResults.Ok(IntegrityCheck.Of(row));
        }
        finally
        {
            _running.Release();
        }
    }

    /// <summary>
    /// <c>POST /access-log/integrity/consistency</c>: whether the log is consistent with a checkpoint a witness kept —
    /// a consistency proof from its size to the latest signed checkpoint (issued now when the log grew). A text that
    /// is not a checkpoint this hub signed is a 400; a signed one the log does not extend is answered not consistent.
    /// </summary>
    public async Task<Results<Ok<ConsistencyAnswer>, BadRequestProblem, ForbiddenProblem, ConflictProblem>> ConsistencyAsync(
        ClaimsPrincipal user, KeptCheckpointRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (access, refusal) = await gate.EnterAsPrivacyOfficerAsync(user, Consistency, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        var kept = _checkpoints.Verify(request.Checkpoint);
        if (string.IsNullOrWhiteSpace(request.Checkpoint) || !kept.IsVerified)
        {
            return await gate.InvalidAsync(access, "Not a checkpoint of this log", new Dictionary<string, string[]>
            {
                ["checkpoint"] = [string.IsNullOrWhiteSpace(request.Checkpoint)
                    ? "the signed checkpoint text is required"
                    : $"is not a checkpoint this hub signed: {kept.Reason}"],
            }, cancellationToken);
        }

        if (!await _running.WaitAsync(0, cancellationToken))
        {
            return await Busy(access, cancellationToken);
        }

        try
        {
            var started = time.GetUtcNow();
            StoredCheckpoint latest;
            try
            {
                (latest, _) = await issuer.IssueAsync(cancellationToken);
            }
            catch (CheckpointRefusedException e)
            {
                return await gate.ConflictAsync(access, "The log does not extend its last checkpoint",
                    $"The hub refuses to sign its current state ({e.Break.Message}); verify the log.", cancellationToken, subject: "integrity.consistency;refused");
            }

            var size = kept.Checkpoint!.Size;
            byte[][] proof = [];
            if (size <= latest.Size)
            {
                var hashes = await log.ReadLeafHashesAsync(latest.Size, cancellationToken);
                proof = ConsistencyProof.Create(size, latest.Size, hashes);
            }

            var verdict = CheckpointWitness.Check(_checkpoints, request.Checkpoint!, latest.Note, proof);
            var outcome = Outcome(verdict.Outcome);
            var row = new AccessLogVerificationRow
            {
                Check = AccessLogVerificationRow.Consistency,
                StartedAt = started.ToUnixTimeMilliseconds(),
                FinishedAt = time.GetUtcNow().ToUnixTimeMilliseconds(),
                Outcome = outcome,
                Size = latest.Size,
                KeptSize = size,
                Message = Clip(verdict.Reason),
            };
            await gate.RecordAsync(access, AccessDecision.Permit, null, cancellationToken,
                subject: string.Create(CultureInfo.InvariantCulture, $"integrity.consistency;kept={size};latest={latest.Size};outcome={outcome}"));
            await checks.AddAsync(row, CancellationToken.None);
            return TypedResults.Ok(new ConsistencyAnswer(verdict.IsAppendOnly, outcome, verdict.Reason, size, Signed(latest), [.. proof.Select(Convert.ToBase64String)]));
        }
        finally
        {
            _running.Release();
        }
    }

    private async Task TryIssueAsync()
    {
        try
        {
            await issuer.IssueAsync(CancellationToken.None);
        }
        catch (CheckpointRefusedException)
        {
            // The refusal is the checkpoint service's to report (readiness); the verification's result stands as recorded.
        }
    }

    public SignedCheckpoint Signed(StoredCheckpoint checkpoint) =>
        new(checkpoint.Size, Convert.ToHexStringLower(checkpoint.Root), checkpoint.CreatedAt, checkpoint.Note, issuer.VerifierKey);

    internal static string Outcome(WitnessOutcome outcome) => outcome switch
    {
        WitnessOutcome.AppendOnly => "append-only",
        WitnessOutcome.Truncated => "truncated",
        WitnessOutcome.Forked => "forked",
        WitnessOutcome.DifferentLog => "different-log",
        _ => "invalid-checkpoint",
    };

    private async Task<ConflictProblem> Busy(Access.Access access, CancellationToken cancellationToken) =>
        await gate.ConflictAsync(access, "A check of the log is running",
            "One verification or comparison of the whole log runs at a time; try again when it has finished.", cancellationToken, subject: "integrity;busy");

    private static string Clip(string message) => message.Length <= 2048 ? message : message[..2048];
}
