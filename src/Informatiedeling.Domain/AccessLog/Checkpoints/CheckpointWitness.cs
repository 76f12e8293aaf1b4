using Informatiedeling.AccessLog.Merkle;

namespace Informatiedeling.AccessLog.Checkpoints;

/// <summary>
/// Holds the log to its history from outside: someone who kept an earlier checkpoint (a partner, the supervisory
/// authority, an auditor) checks that a newer one extends it. Without this, whoever controls the database could
/// delete or rewrite access records and re-sign a consistent-looking log.
/// </summary>
public static class CheckpointWitness
{
    /// <summary>
    /// Whether <paramref name="presented"/> is an append-only extension of <paramref name="kept"/>, proven by
    /// <paramref name="consistencyProof"/> (<see cref="ConsistencyProof.Create"/> from the kept size to the presented
    /// size). Both checkpoints must already have been verified.
    /// </summary>
    public static WitnessVerdict Check(Checkpoint kept, Checkpoint presented, IReadOnlyList<byte[]>? consistencyProof)
    {
        ArgumentNullException.ThrowIfNull(kept);
        ArgumentNullException.ThrowIfNull(presented);
        if (!string.Equals(kept.Origin, presented.Origin, StringComparison.Ordinal))
        {
            return new(WitnessOutcome.DifferentLog, $"the kept checkpoint is of {kept.Origin}, the presented one of {presented.Origin}");
        }

        if (presented.Size < kept.Size)
        {
            return new(WitnessOutcome.Truncated,
                $"the log presents {presented.Size} records where {kept.Size} were signed before: records were removed, or an older state is presented as current");
        }

        if (ConsistencyProof.Verify(kept.Size, presented.Size, kept.RootHash.Span, presented.RootHash.Span, consistencyProof))
        {
            return presented.Size == kept.Size
                ? new(WitnessOutcome.AppendOnly, $"the log is unchanged at {kept.Size} records")
                : new(WitnessOutcome.AppendOnly, $"the log grew from {kept.Size} to {presented.Size} records and only appended");
        }

        // Two signed heads of one size with different roots prove a fork by themselves; otherwise the log failed to
        // prove consistency, which a witness must treat the same way.
        return presented.Size == kept.Size
            ? new(WitnessOutcome.Forked, $"two different trees were signed for the same {kept.Size} records")
            : new(WitnessOutcome.Forked,
                $"the consistency proof does not show that the first {kept.Size} records are unchanged in the tree of {presented.Size}: history was rewritten or the log forked");
    }

    /// <summary>
    /// Verifies both signed checkpoints with the log's public key, then checks that the presented one extends the
    /// kept one.
    /// </summary>
    public static WitnessVerdict Check(CheckpointVerifier verifier, string keptNote, string presentedNote, IReadOnlyList<byte[]>? consistencyProof)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        var kept = verifier.Verify(keptNote);
        if (!kept.IsVerified)
        {
            return new(WitnessOutcome.InvalidCheckpoint, $"the kept checkpoint does not verify: {kept.Reason}");
        }

        var presented = verifier.Verify(presentedNote);
        if (!presented.IsVerified)
        {
            return new(WitnessOutcome.InvalidCheckpoint, $"the presented checkpoint does not verify: {presented.Reason}");
        }

        return Check(kept.Checkpoint, presented.Checkpoint, consistencyProof);
    }
}
