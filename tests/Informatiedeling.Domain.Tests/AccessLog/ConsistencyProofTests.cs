using Informatiedeling.AccessLog.Merkle;
using static Informatiedeling.Domain.Tests.AccessLog.InclusionProofTests;
using static Informatiedeling.Domain.Tests.AccessLog.MerkleVectors;

namespace Informatiedeling.Domain.Tests.AccessLog;

/// <summary>Consistency proofs: the CT reference vectors, the literal RFC definition, and rejection of every tampering.</summary>
public sealed class ConsistencyProofTests
{
    private const int MaxSize = 64;
    private static readonly byte[] SomeHash = Hex("abacaba000000000000000000000000000000000000000000060061e00123456");

    public static TheoryData<int> VectorIndices => [.. Enumerable.Range(0, Consistency.Length)];

    [Theory]
    [MemberData(nameof(VectorIndices))]
    public void Reference_vectors_are_generated_and_verify(int vector)
    {
        var (oldSize, newSize, proof) = Consistency[vector];
        var source = InMemoryLeafHashSource.FromLeafHashes(MerkleTreeTests.Concat(LeafHashes));

        Assert.Equal(proof, ConsistencyProof.Create(oldSize, newSize, source));
        Assert.True(ConsistencyProof.Verify(oldSize, newSize, Roots[oldSize], Roots[newSize], proof));
    }

    [Theory]
    [MemberData(nameof(VectorIndices))]
    public void Reference_vectors_reject_the_corruptions_of_the_reference_suite(int vector)
    {
        // The probes of transparency-dev/merkle proof/verify_test.go (corruptConsistencyProof), for non-empty proofs.
        var (m, n, proof) = Consistency[vector];
        if (proof.Length == 0)
        {
            return;
        }

        var r1 = Roots[m];
        var r2 = Roots[n];
        var probes = new List<(string Name, long M, long N, byte[] R1, byte[] R2, byte[][] Proof)>
        {
            ("size1 - 1", m - 1, n, r1, r2, proof),
            ("size1 + 1", m + 1, n, r1, r2, proof),
            ("size1 ^ 2", m ^ 2, n, r1, r2, proof),
            ("size2 * 2", m, n * 2, r1, r2, proof),
            ("size2 / 2", m, n / 2, r1, r2, proof),
            ("wrong root1", m, n, "WrongRoot"u8.ToArray(), r2, proof),
            ("wrong root2", m, n, r1, "WrongRoot"u8.ToArray(), proof),
            ("swapped roots", m, n, r2, r1, proof),
            ("empty proof", m, n, r1, r2, []),
            ("trailing garbage", m, n, r1, r2, [.. proof, []]),
            ("trailing root1", m, n, r1, r2, [.. proof, r1]),
            ("trailing root2", m, n, r1, r2, [.. proof, r2]),
            ("preceding garbage", m, n, r1, r2, [[], .. proof]),
            ("preceding root1", m, n, r1, r2, [r1, .. proof]),
            ("preceding root2", m, n, r1, r2, [r2, .. proof]),
            ("preceding proof[0]", m, n, r1, r2, [proof[0], .. proof]),
            ("truncated proof", m, n, r1, r2, proof[..^1]),
        };
        for (var i = 0; i < proof.Length; i++)
        {
            var modified = (byte[][])proof.Clone();
            modified[i] = Flip(proof[i], 4);
            probes.Add(($"proof[{i}] bit 4", m, n, r1, r2, modified));
        }

        var accepted = probes.Where(p => ConsistencyProof.Verify(p.M, p.N, p.R1, p.R2, p.Proof)).Select(p => p.Name);
        Assert.Empty(accepted);
    }

    [Fact]
    public void Every_proof_up_to_64_leaves_is_the_rfc_proof_and_verifies()
    {
        var leaves = TestTree.Leaves(MaxSize, "d");
        var source = TestTree.Source(leaves);
        var roots = Enumerable.Range(0, MaxSize + 1).Select(n => MerkleTree.Root(source, n)).ToArray();
        for (var n = 0; n <= MaxSize; n++)
        {
            for (var m = 0; m <= n; m++)
            {
                var proof = ConsistencyProof.Create(m, n, source);
                Assert.Equal(ReferenceMerkle.Proof(m, leaves[..n]), proof);
                Assert.True(ConsistencyProof.Verify(m, n, roots[m], roots[n], proof), $"{m} to {n}");

                // The proof holds for exactly this pair of sizes and roots.
                Assert.False(ConsistencyProof.Verify(n, m, roots[n], roots[m], proof) && m != n);
                Assert.False(ConsistencyProof.Verify(m, n, roots[n], roots[m], proof) && !roots[m].AsSpan().SequenceEqual(roots[n]));
                Assert.False(ConsistencyProof.Verify(m, n, roots[m], roots[n], [.. proof, SomeHash]));
                if (m > 0 && m < n)
                {
                    Assert.False(ConsistencyProof.Verify(m - 1, n, roots[m - 1], roots[n], proof), $"{m} to {n} as {m - 1}");
                    Assert.False(ConsistencyProof.Verify(m, n - 1, roots[m], roots[n - 1], proof), $"{m} to {n} as to {n - 1}");
                    Assert.False(ConsistencyProof.Verify(m, n, roots[m], roots[n], proof[..^1]));
                    Assert.False(ConsistencyProof.Verify(m, n, roots[m], roots[n], proof[1..]));
                }
            }
        }
    }

    [Fact]
    public void Single_bit_flips_in_proof_or_roots_fail_up_to_64_leaves()
    {
        var leaves = TestTree.Leaves(MaxSize, "e");
        var source = TestTree.Source(leaves);
        var roots = Enumerable.Range(0, MaxSize + 1).Select(n => MerkleTree.Root(source, n)).ToArray();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, MaxSize + 1, n =>
        {
            for (var m = 0; m <= n; m++)
            {
                var proof = ConsistencyProof.Create(m, n, source);
                foreach (var bit in BitFlips.For(n, m))
                {
                    if (ConsistencyProof.Verify(m, n, Flip(roots[m], bit), roots[n], proof))
                    {
                        failures.Add($"old root bit {bit}, {m} to {n}");
                    }

                    // Every tree extends the empty tree, so from size 0 nothing binds the new root.
                    if ((m > 0 || n == 0) && ConsistencyProof.Verify(m, n, roots[m], Flip(roots[n], bit), proof))
                    {
                        failures.Add($"new root bit {bit}, {m} to {n}");
                    }

                    for (var i = 0; i < proof.Length; i++)
                    {
                        var tampered = (byte[][])proof.Clone();
                        tampered[i] = Flip(proof[i], bit);
                        if (ConsistencyProof.Verify(m, n, roots[m], roots[n], tampered))
                        {
                            failures.Add($"proof[{i}] bit {bit}, {m} to {n}");
                        }
                    }
                }
            }
        });

        Assert.Empty(failures);
    }

    [Fact]
    public void A_rewritten_or_forked_history_is_not_consistent()
    {
        var leaves = TestTree.Leaves(MaxSize, "f");
        var source = TestTree.Source(leaves);
        var roots = Enumerable.Range(0, MaxSize + 1).Select(n => MerkleTree.Root(source, n)).ToArray();
        for (var n = 1; n <= MaxSize; n++)
        {
            for (var changed = 0; changed < n; changed++)
            {
                // A log that rewrote one record and presents its own, honestly generated, proofs.
                var forged = (byte[][])leaves.Clone();
                forged[changed] = [.. leaves[changed], 0x2a];
                var forgedSource = TestTree.Source(forged[..n]);
                var forgedRoot = MerkleTree.Root(forgedSource, n);
                for (var m = 1; m <= n; m++)
                {
                    // Only a change after the old size is an honest extension of the old tree.
                    var forgedProof = ConsistencyProof.Create(m, n, forgedSource);
                    Assert.Equal(changed >= m, ConsistencyProof.Verify(m, n, roots[m], forgedRoot, forgedProof));
                }
            }
        }
    }

    [Fact]
    public void Malformed_input_returns_false_and_never_throws()
    {
        var empty = Roots[0];
        Assert.True(ConsistencyProof.Verify(0, 0, empty, empty, []));
        Assert.True(ConsistencyProof.Verify(0, 5, empty, Roots[5], []));
        Assert.True(ConsistencyProof.Verify(3, 3, Roots[3], Roots[3], []));

        Assert.False(ConsistencyProof.Verify(0, 0, Roots[1], Roots[1], []));
        Assert.False(ConsistencyProof.Verify(0, 5, Roots[1], Roots[5], []));
        Assert.False(ConsistencyProof.Verify(0, 5, empty, Roots[5], [SomeHash]));
        Assert.False(ConsistencyProof.Verify(3, 3, Roots[3], Roots[4], []));
        Assert.False(ConsistencyProof.Verify(3, 3, Roots[3], Roots[3], [SomeHash]));
        Assert.False(ConsistencyProof.Verify(5, 3, Roots[5], Roots[3], []));
        Assert.False(ConsistencyProof.Verify(-1, 3, empty, Roots[3], []));
        Assert.False(ConsistencyProof.Verify(2, 5, Roots[2], Roots[5], null));
        Assert.False(ConsistencyProof.Verify(2, 5, Roots[2], Roots[5], [null!, null!]));
        Assert.False(ConsistencyProof.Verify(2, 5, Roots[2], Roots[5], [new byte[31], new byte[33]]));
        Assert.False(ConsistencyProof.Verify(2, 5, [], Roots[5], Consistency[3].Proof));
        Assert.False(ConsistencyProof.Verify(2, 5, Roots[2], [], Consistency[3].Proof));

        var garbage = Enumerable.Repeat(SomeHash, 130).ToArray();
        Assert.False(ConsistencyProof.Verify(long.MaxValue - 1, long.MaxValue, Roots[1], Roots[2], garbage));
        Assert.False(ConsistencyProof.Verify(1, long.MaxValue, Roots[1], Roots[2], garbage));
        Assert.False(ConsistencyProof.Verify(long.MaxValue, long.MaxValue, Roots[1], Roots[1], garbage));
    }

    [Fact]
    public void Creating_a_proof_between_impossible_sizes_is_refused()
    {
        var source = InMemoryLeafHashSource.FromLeafHashes(MerkleTreeTests.Concat(LeafHashes));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConsistencyProof.Create(5, 4, source));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConsistencyProof.Create(-1, 4, source));
        Assert.Empty(ConsistencyProof.Create(0, 8, source));
        Assert.Empty(ConsistencyProof.Create(8, 8, source));
    }
}
