using System.Text;
using Informatiedeling.AccessLog.Checkpoints;
using Informatiedeling.AccessLog.Merkle;

namespace Informatiedeling.Domain.Tests.AccessLog;

/// <summary>An outsider who kept a checkpoint detects truncation, rollback and forks of the access log.</summary>
public sealed class CheckpointWitnessTests : IDisposable
{
    private const string Origin = "informatiedeling.example/toegangslog";

    private readonly CheckpointSigner _signer = CheckpointSigner.Generate(Origin);
    private readonly CheckpointVerifier _verifier;
    private readonly byte[][] _records = [.. Enumerable.Range(0, 40).Select(i => Encoding.UTF8.GetBytes($"{{\"wie\":\"partner-{i % 5}\",\"casus\":\"c-{i}\",\"doel\":\"zorgcoordinatie\"}}"))];

    public CheckpointWitnessTests() => _verifier = _signer.CreateVerifier(Origin);

    public void Dispose()
    {
        _verifier.Dispose();
        _signer.Dispose();
    }

    [Fact]
    public void A_log_that_only_appended_is_accepted()
    {
        var log = TestTree.Source(_records);
        foreach (var (kept, presented) in new[] { (0, 0), (0, 40), (1, 2), (10, 25), (16, 32), (25, 40), (40, 40) })
        {
            var verdict = CheckpointWitness.Check(Head(log, kept), Head(log, presented), ConsistencyProof.Create(kept, presented, log));
            Assert.True(verdict.IsAppendOnly, $"{kept} to {presented}: {verdict.Reason}");
        }
    }

    [Fact]
    public void Signed_notes_are_verified_before_they_are_compared()
    {
        var log = TestTree.Source(_records);
        var kept = _signer.Sign(Head(log, 10));
        var presented = _signer.Sign(Head(log, 30));
        var proof = ConsistencyProof.Create(10, 30, log);
        Assert.Equal(WitnessOutcome.AppendOnly, CheckpointWitness.Check(_verifier, kept, presented, proof).Outcome);

        var tampered = presented.Replace("\n30\n", "\n31\n", StringComparison.Ordinal);
        var verdict = CheckpointWitness.Check(_verifier, kept, tampered, proof);
        Assert.Equal(WitnessOutcome.InvalidCheckpoint, verdict.Outcome);
        Assert.Contains("presented", verdict.Reason, StringComparison.Ordinal);

        using var impostor = CheckpointSigner.Generate(Origin);
        Assert.Equal(WitnessOutcome.InvalidCheckpoint, CheckpointWitness.Check(_verifier, impostor.Sign(Head(log, 10)), presented, proof).Outcome);
        Assert.Equal(WitnessOutcome.InvalidCheckpoint, CheckpointWitness.Check(_verifier, kept, impostor.Sign(Head(log, 30)), proof).Outcome);
    }

    [Fact]
    public void A_truncated_log_or_an_older_checkpoint_presented_again_is_detected()
    {
        var log = TestTree.Source(_records);
        var truncated = TestTree.Source(_records[..20]);
        var verdict = CheckpointWitness.Check(Head(log, 30), Head(truncated, 20), []);
        Assert.Equal(WitnessOutcome.Truncated, verdict.Outcome);
        Assert.Contains("20", verdict.Reason, StringComparison.Ordinal);

        // Rollback: the log serves its own, genuinely signed, older checkpoint.
        var rollback = CheckpointWitness.Check(_verifier, _signer.Sign(Head(log, 30)), _signer.Sign(Head(log, 12)), ConsistencyProof.Create(12, 30, log));
        Assert.Equal(WitnessOutcome.Truncated, rollback.Outcome);
    }

    [Fact]
    public void A_rewritten_record_is_detected_as_a_fork_even_with_an_honest_proof_of_the_new_tree()
    {
        var log = TestTree.Source(_records);
        foreach (var changed in new[] { 0, 7, 9 })
        {
            var rewritten = (byte[][])_records.Clone();
            rewritten[changed] = Encoding.UTF8.GetBytes("{\"wie\":\"niemand\"}");
            var forged = TestTree.Source(rewritten);

            // Same size, different root: two signed heads for the same records.
            var sameSize = CheckpointWitness.Check(Head(log, 10), Head(forged, 10), []);
            Assert.Equal(WitnessOutcome.Forked, sameSize.Outcome);

            // Grown, with the rewritten log's own consistency proof: it cannot reach the kept root.
            var grown = CheckpointWitness.Check(Head(log, 10), Head(forged, 40), ConsistencyProof.Create(10, 40, forged));
            Assert.Equal(WitnessOutcome.Forked, grown.Outcome);
            Assert.Contains("10", grown.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_missing_or_wrong_proof_is_not_taken_as_consistency()
    {
        var log = TestTree.Source(_records);
        var kept = Head(log, 10);
        var presented = Head(log, 40);
        Assert.Equal(WitnessOutcome.Forked, CheckpointWitness.Check(kept, presented, null).Outcome);
        Assert.Equal(WitnessOutcome.Forked, CheckpointWitness.Check(kept, presented, []).Outcome);
        Assert.Equal(WitnessOutcome.Forked, CheckpointWitness.Check(kept, presented, ConsistencyProof.Create(11, 40, log)).Outcome);
        Assert.Equal(WitnessOutcome.Forked, CheckpointWitness.Check(kept, presented, ConsistencyProof.Create(10, 39, log)).Outcome);
        Assert.Equal(WitnessOutcome.Forked, CheckpointWitness.Check(kept, Head(log, 10), [new byte[32]]).Outcome);
    }

    [Fact]
    public void Checkpoints_of_different_logs_are_not_compared()
    {
        var log = TestTree.Source(_records);
        var other = new Checkpoint("informatiedeling.example/test", 40, MerkleTree.Root(log, 40));
        Assert.Equal(WitnessOutcome.DifferentLog, CheckpointWitness.Check(Head(log, 10), other, ConsistencyProof.Create(10, 40, log)).Outcome);
    }

    private static Checkpoint Head(InMemoryLeafHashSource log, long size) => new(Origin, size, MerkleTree.Root(log, size));
}
