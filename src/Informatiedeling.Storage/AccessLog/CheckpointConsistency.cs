using System.Globalization;
using Informatiedeling.AccessLog.Checkpoints;
using Informatiedeling.AccessLog.Merkle;
using Informatiedeling.AccessLog.Records;

namespace Informatiedeling.Storage.AccessLog;

/// <summary>
/// Where the stored log departs from what the hub signed: the signed size it no longer matches and, when it can be
/// told, the seq range the change lies in. Holds sizes and seq numbers only, never a record's content.
/// </summary>
public sealed record LogBreak(long SignedSize, long? FromSeq, long? ToSeq, string Message);

/// <summary>The hub refused to sign a checkpoint: the stored log is not an append-only extension of the last one it signed.</summary>
public sealed class CheckpointRefusedException(LogBreak logBreak)
    : Exception($"refused to sign a checkpoint of the access log: {logBreak?.Message}")
{
    public LogBreak Break { get; } = logBreak ?? throw new ArgumentNullException(nameof(logBreak));
}

/// <summary>
/// Proves, before a new head is signed, that it extends the last checkpoint the hub signed: an RFC 9162 consistency
/// proof computed over the stored records' leaf hashes, checked against the signed root, as a witness would check
/// it. Whoever can write the database cannot sign, so a signed checkpoint is the trust anchor; the head and the rows
/// are only what the database claims. The records the new checkpoint signs for the first time are checked whole:
/// each leaf's hash from its bytes and the seq it carries.
/// </summary>
internal static class CheckpointConsistency
{
    /// <summary>The break, or null when <paramref name="basis"/> extends <paramref name="anchor"/>; <paramref name="root"/> is then the root to sign.</summary>
    public static LogBreak? Check(Checkpoint? anchor, CheckpointBasis basis, out byte[] root)
    {
        root = [];
        var stored = basis.Hashes.Count;
        var signed = anchor?.Size ?? 0;
        var hash = new byte[MerkleHash.Size];
        foreach (var row in basis.Unsigned.Where(r => r.Seq < stored))
        {
            MerkleHash.LeafHash(row.Leaf, hash);
            if (!hash.AsSpan().SequenceEqual(row.LeafHash) || !AccessRecordEncoding.TryReadSeq(row.Leaf, out var claimed) || claimed != row.Seq)
            {
                return new(signed, row.Seq, row.Seq, $"record {S(row.Seq)}: its content does not match its leaf hash or its place (altered)");
            }
        }

        if (stored < basis.Head.Size)
        {
            return new(signed, stored, null,
                $"record {S(stored)} is missing: the log head counts {S(basis.Head.Size)} records but only seq 0 to {S(stored - 1)} are stored in sequence (rows were deleted)");
        }

        // A row past the head, or after a gap past it: appended outside the writer.
        if (stored > basis.Head.Size || basis.Unsigned.Any(r => r.Seq >= stored))
        {
            var beyond = stored > basis.Head.Size ? basis.Head.Size : basis.Unsigned.First(r => r.Seq >= stored).Seq;
            return new(signed, beyond, beyond, $"record {S(beyond)} is beyond the log head (size {S(basis.Head.Size)}): it was added outside the writer");
        }

        if (anchor is not null && anchor.Size > stored)
        {
            return new(signed, stored, null,
                $"the log holds {S(stored)} records but the hub signed {S(anchor.Size)}: records from {S(stored)} on were removed, or an older state was restored");
        }

        var computed = MerkleTree.Root(basis.Hashes, stored);
        if (anchor is not null)
        {
            var proof = ConsistencyProof.Create(anchor.Size, stored, basis.Hashes);
            var verdict = CheckpointWitness.Check(anchor, new Checkpoint(anchor.Origin, stored, computed), proof);
            if (verdict.Outcome != WitnessOutcome.AppendOnly)
            {
                return Locate(anchor, basis);
            }
        }

        // The records extend what was signed; the head, which the writer continues from, must be their tree too.
        if (!computed.AsSpan().SequenceEqual(basis.Head.Restore().Root()))
        {
            return new(signed, null, null, "the log head's tree does not match the stored records (the head was rewritten)");
        }

        root = computed;
        return null;
    }

    /// <summary>
    /// Narrows a rewrite down to the records between the last stored checkpoint whose root still matches and the
    /// first that does not. A stored root below the signed one only narrows the search; the signed one decides.
    /// </summary>
    private static LogBreak Locate(Checkpoint anchor, CheckpointBasis basis)
    {
        var roots = basis.Checkpoints.Where(c => c.Size > 0 && c.Size < anchor.Size).ToDictionary(c => c.Size, c => c.Root);
        roots[anchor.Size] = anchor.RootHash.ToArray();
        var accumulator = new MerkleAccumulator();
        var hash = new byte[MerkleHash.Size];
        long matched = 0, departs = anchor.Size;
        for (long seq = 0; seq < anchor.Size; seq++)
        {
            basis.Hashes.GetLeafHash(seq, hash);
            accumulator.Append(hash);
            if (roots.TryGetValue(seq + 1, out var expected))
            {
                if (!accumulator.Root().AsSpan().SequenceEqual(expected))
                {
                    departs = seq + 1;
                    break;
                }

                matched = seq + 1;
            }
        }

        var from = Math.Min(matched, departs - 1);
        return new(anchor.Size, from, departs - 1,
            $"the stored records 0 to {S(anchor.Size - 1)} do not have the root the hub signed at size {S(anchor.Size)}: " +
            $"a record from seq {S(from)} to {S(departs - 1)} was changed (history was rewritten)");
    }

    private static string S(long value) => value.ToString(CultureInfo.InvariantCulture);
}
