using System.Globalization;
using Informatiedeling.AccessLog.Checkpoints;
using Informatiedeling.AccessLog.Merkle;
using Informatiedeling.AccessLog.Records;

namespace Informatiedeling.Storage.AccessLog;

/// <summary>The outcome of verifying the whole log: all well, or the first thing that does not match.</summary>
public sealed record LogVerification(bool Verified, long Records, int CheckpointsChecked, byte[] Root, long? FirstBadSeq, string Message);

/// <summary>
/// Recomputes the log from its stored bytes, in one snapshot: contiguous seq from 0, each leaf hash from its bytes,
/// each leaf in the place it claims, the tree against the head and every stored checkpoint (signature and root at
/// its size), and against checkpoints kept outside the database, which reveal a log that was cut back or rewritten.
/// </summary>
public sealed class AccessLogVerifier(AccessLogStore store, CheckpointVerifier verifier)
{
    public async Task<LogVerification> VerifyAsync(IReadOnlyList<string> keptCheckpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keptCheckpoints);
        var kept = new List<Checkpoint>();
        foreach (var note in keptCheckpoints)
        {
            var result = verifier.Verify(note);
            if (!result.IsVerified)
            {
                return Fail(0, 0, null, $"a kept checkpoint does not verify: {result.Reason}");
            }

            kept.Add(result.Checkpoint);
        }

        var run = new Run(kept);
        await store.ReadSnapshotAsync(run.Begin, run.Row, cancellationToken);
        return run.Finish(verifier);
    }

    private static LogVerification Fail(long records, int checkpoints, long? seq, string message) => new(false, records, checkpoints, [], seq, message);

    private static string S(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>One pass over the snapshot; stops at the first problem.</summary>
    private sealed class Run(List<Checkpoint> kept)
    {
        private readonly MerkleAccumulator _accumulator = new();
        private readonly byte[] _hash = new byte[MerkleHash.Size];
        private readonly Dictionary<long, (byte[] Root, string Source)> _signed = [];
        private LogHead _head = new(0, []);
        private IReadOnlyList<StoredCheckpoint> _stored = [];
        private long _expected;
        private long _matched;
        private int _checked;
        private long? _badSeq;
        private string? _problem;

        public bool Begin(LogHead head, IReadOnlyList<StoredCheckpoint> stored)
        {
            _head = head;
            _stored = stored;
            foreach (var checkpoint in stored)
            {
                _signed[checkpoint.Size] = (checkpoint.Root, "stored checkpoint");
            }

            foreach (var k in kept)
            {
                if (_signed.TryGetValue(k.Size, out var other) && !other.Root.AsSpan().SequenceEqual(k.RootHash.Span))
                {
                    _problem = $"the kept checkpoint and the stored one at size {S(k.Size)} sign different trees: the log forked or was rewritten";
                    return false;
                }

                _signed[k.Size] = (k.RootHash.ToArray(), "kept checkpoint");
            }

            return true;
        }

        public bool Row(StoredLeaf row)
        {
            var seq = row.Seq;
            if (seq != _expected)
            {
                return Bad(_expected, $"record {S(_expected)} is missing: the next record stored is {S(seq)} (rows were deleted)");
            }

            if (seq >= _head.Size)
            {
                return Bad(seq, $"record {S(seq)} is beyond the log head (size {S(_head.Size)}): it was added outside the writer");
            }

            if (!AccessRecordEncoding.TryReadSeq(row.Leaf, out var claimed))
            {
                return Bad(seq, $"record {S(seq)} is not a record of a known encoding version (altered)");
            }

            if (claimed != seq)
            {
                return Bad(seq, $"record {S(seq)} holds the content of record {S(claimed)} (rows were swapped, copied or renumbered)");
            }

            MerkleHash.LeafHash(row.Leaf, _hash);
            if (!_hash.AsSpan().SequenceEqual(row.LeafHash))
            {
                return Bad(seq, $"record {S(seq)}: its content does not match its leaf hash (altered)");
            }

            try
            {
                _ = AccessRecordEncoding.Decode(row.Leaf);
            }
            catch (FormatException e)
            {
                return Bad(seq, $"record {S(seq)} is not a well-formed record: {e.Message}");
            }

            _accumulator.Append(_hash);
            _expected++;
            if (_signed.TryGetValue(_expected, out var signed))
            {
                _checked++;
                if (!_accumulator.Root().AsSpan().SequenceEqual(signed.Root))
                {
                    // The checkpoint before this one still matched, so the change lies after it: the break is named.
                    _badSeq = _matched;
                    _problem = $"records 0 to {S(_expected - 1)} do not have the root of the {signed.Source} at size {S(_expected)}: " +
                        $"the stored log departs from it between seq {S(_matched)} and {S(_expected - 1)} " +
                        $"(the {(_matched == 0 ? "empty log" : $"checkpoint at size {S(_matched)}")} still matches); a record there was changed and its hash recomputed, or history was rewritten";
                    return false;
                }

                _matched = _expected;
            }

            return true;
        }

        public LogVerification Finish(CheckpointVerifier verifier)
        {
            if (_problem is not null)
            {
                return Fail(_expected, _checked, _badSeq, _problem);
            }

            foreach (var checkpoint in _stored)
            {
                var result = verifier.Verify(checkpoint.Note);
                if (!result.IsVerified)
                {
                    return Fail(_expected, _checked, null, $"the stored checkpoint at size {S(checkpoint.Size)} does not verify: {result.Reason}");
                }

                if (result.Checkpoint.Size != checkpoint.Size || !result.Checkpoint.RootHash.Span.SequenceEqual(checkpoint.Root))
                {
                    return Fail(_expected, _checked, null, $"the stored checkpoint at size {S(checkpoint.Size)} is filed under another size or root than it signs");
                }
            }

            if (_signed.Where(s => s.Key > _expected).OrderBy(s => s.Key).Select(s => (Size: s.Key, s.Value.Source)).FirstOrDefault() is { Source: not null } beyond)
            {
                return Fail(_expected, _checked, _expected,
                    $"the log holds {S(_expected)} records but a {beyond.Source} signs {S(beyond.Size)}: records from {S(_expected)} on were removed, or an older state was restored (truncation or rollback)");
            }

            if (_head.Size > _expected)
            {
                return Fail(_expected, _checked, _expected,
                    $"the log head counts {S(_head.Size)} records but only {S(_expected)} are stored: records from {S(_expected)} on were removed (truncated)");
            }

            var root = _accumulator.Root();
            if (!_head.Restore().Root().AsSpan().SequenceEqual(root))
            {
                return Fail(_expected, _checked, null, "the log head's tree does not match the stored records");
            }

            if (_signed.TryGetValue(0, out var empty))
            {
                _checked++;
                if (!empty.Root.AsSpan().SequenceEqual(MerkleHash.EmptyRoot))
                {
                    return Fail(_expected, _checked, null, "a checkpoint of the empty log signs another root than the empty tree's");
                }
            }

            return new LogVerification(true, _expected, _checked, root, null,
                $"verified {S(_expected)} records (seq 0 to {S(_expected - 1)}); {_checked} checkpoint root(s) matched; root {Convert.ToHexStringLower(root)}");
        }

        private bool Bad(long seq, string problem)
        {
            (_badSeq, _problem) = (seq, problem);
            return false;
        }
    }
}
