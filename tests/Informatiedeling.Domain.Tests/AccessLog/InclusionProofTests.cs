using Informatiedeling.AccessLog.Merkle;
using static Informatiedeling.Domain.Tests.AccessLog.MerkleVectors;

namespace Informatiedeling.Domain.Tests.AccessLog;

/// <summary>Inclusion proofs: the CT reference vectors, the literal RFC definition, and rejection of every tampering.</summary>
public sealed class InclusionProofTests
{
    private const int MaxSize = 64;
    private static readonly byte[] SomeHash = Hex("abacaba000000000000000000000000000000000000000000060061e00123456");

    public static TheoryData<int> VectorIndices => [.. Enumerable.Range(0, Inclusion.Length)];

    [Theory]
    [MemberData(nameof(VectorIndices))]
    public void Reference_vectors_are_generated_and_verify(int vector)
    {
        var (index, size, path) = Inclusion[vector];
        var source = InMemoryLeafHashSource.FromLeafHashes(MerkleTreeTests.Concat(LeafHashes));

        Assert.Equal(path, InclusionProof.Create(index, size, source));
        Assert.True(InclusionProof.Verify(index, size, LeafHashes[index], path, Roots[size]));
    }

    [Theory]
    [MemberData(nameof(VectorIndices))]
    public void Reference_vectors_reject_the_corruptions_of_the_reference_suite(int vector)
    {
        // The probes of transparency-dev/merkle proof/verify_test.go (corruptInclusionProof).
        var (index, size, path) = Inclusion[vector];
        var leaf = LeafHashes[index];
        var root = Roots[size];
        var probes = new List<(string Name, long Index, long Size, byte[] Leaf, byte[][] Path, byte[] Root)>
        {
            ("index - 1", index - 1, size, leaf, path, root),
            ("index + 1", index + 1, size, leaf, path, root),
            ("index ^ 2", index ^ 2, size, leaf, path, root),
            ("size * 2", index, size * 2, leaf, path, root),
            ("size / 2", index, size / 2, leaf, path, root),
            ("wrong leaf", index, size, "WrongLeaf"u8.ToArray(), path, root),
            ("empty root", index, size, leaf, path, Roots[0]),
            ("random root", index, size, leaf, path, SomeHash),
            ("trailing garbage", index, size, leaf, [.. path, []], root),
            ("trailing root", index, size, leaf, [.. path, root], root),
            ("preceding garbage", index, size, leaf, [[], .. path], root),
            ("preceding root", index, size, leaf, [root, .. path], root),
        };
        for (var i = 0; i < path.Length; i++)
        {
            var modified = (byte[][])path.Clone();
            modified[i] = Flip(path[i], 3);
            probes.Add(($"proof[{i}] bit 3", index, size, leaf, modified, root));
        }

        if (path.Length > 0)
        {
            probes.Add(("removed component", index, size, leaf, path[..^1], root));
        }

        if (path.Length > 1)
        {
            probes.Add(("inserted component", index, size, leaf, [path[0], SomeHash, .. path[1..]], root));
        }

        var accepted = probes.Where(p => InclusionProof.Verify(p.Index, p.Size, p.Leaf, p.Path, p.Root)).Select(p => p.Name);
        Assert.Empty(accepted);
    }

    [Fact]
    public void Every_proof_up_to_64_leaves_is_the_rfc_path_and_verifies_for_its_leaf_only()
    {
        var leaves = TestTree.Leaves(MaxSize, "a");
        var source = TestTree.Source(leaves);
        for (var n = 1; n <= MaxSize; n++)
        {
            var root = MerkleTree.Root(source, n);
            Assert.Equal(ReferenceMerkle.Mth(leaves[..n]), root);
            for (var m = 0; m < n; m++)
            {
                var proof = InclusionProof.Create(m, n, source);
                Assert.Equal(ReferenceMerkle.Path(m, leaves[..n]), proof);
                var leaf = MerkleHash.LeafHash(leaves[m]);
                Assert.True(InclusionProof.Verify(m, n, leaf, proof, root), $"{m} in {n}");

                var computed = new byte[MerkleHash.Size];
                Assert.True(InclusionProof.TryComputeRoot(m, n, leaf, proof, computed));
                Assert.Equal(root, computed);

                for (var other = 0; other <= n; other++)
                {
                    Assert.True(other == m || !InclusionProof.Verify(other, n, leaf, proof, root), $"{m} in {n} verified as {other}");
                }

                Assert.False(InclusionProof.Verify(m, n, leaf, [.. proof, SomeHash], root));
                if (proof.Length > 0)
                {
                    Assert.False(InclusionProof.Verify(m, n, leaf, proof[..^1], root));
                    Assert.False(InclusionProof.Verify(m, n, leaf, proof[1..], root));
                }
            }
        }
    }

    [Fact]
    public void Single_bit_flips_in_proof_leaf_or_root_fail_up_to_64_leaves()
    {
        var leaves = TestTree.Leaves(MaxSize, "b");
        var source = TestTree.Source(leaves);
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(1, MaxSize + 1, n =>
        {
            var root = MerkleTree.Root(source, n);
            for (var m = 0; m < n; m++)
            {
                var proof = InclusionProof.Create(m, n, source);
                var leaf = MerkleHash.LeafHash(leaves[m]);
                foreach (var bit in BitFlips.For(n, m))
                {
                    if (InclusionProof.Verify(m, n, Flip(leaf, bit), proof, root))
                    {
                        failures.Add($"leaf bit {bit}, {m} in {n}");
                    }

                    if (InclusionProof.Verify(m, n, leaf, proof, Flip(root, bit)))
                    {
                        failures.Add($"root bit {bit}, {m} in {n}");
                    }

                    for (var i = 0; i < proof.Length; i++)
                    {
                        var tampered = (byte[][])proof.Clone();
                        tampered[i] = Flip(proof[i], bit);
                        if (InclusionProof.Verify(m, n, leaf, tampered, root))
                        {
                            failures.Add($"proof[{i}] bit {bit}, {m} in {n}");
                        }
                    }
                }
            }
        });

        Assert.Empty(failures);
    }

    [Fact]
    public void A_proof_from_one_tree_fails_against_the_root_of_another()
    {
        var leaves = TestTree.Leaves(MaxSize, "c");
        var source = TestTree.Source(leaves);
        for (var n = 1; n <= MaxSize; n++)
        {
            for (var changed = 0; changed < n; changed++)
            {
                // The same log with one record rewritten: every proof against its root must fail.
                var forged = (byte[][])leaves.Clone();
                forged[changed] = [.. leaves[changed], 0x2a];
                var forgedRoot = ReferenceMerkle.Mth(forged[..n]);
                for (var m = 0; m < n; m++)
                {
                    var proof = InclusionProof.Create(m, n, source);
                    Assert.False(InclusionProof.Verify(m, n, MerkleHash.LeafHash(leaves[m]), proof, forgedRoot), $"{m} in {n}, changed {changed}");
                }
            }
        }
    }

    [Fact]
    public void Malformed_input_returns_false_and_never_throws()
    {
        var leaf = LeafHashes[0];
        var root = Roots[1];
        Assert.True(InclusionProof.Verify(0, 1, leaf, [], root));

        Assert.False(InclusionProof.Verify(0, 1, leaf, null, root));
        Assert.False(InclusionProof.Verify(0, 1, leaf, [null!], root));
        Assert.False(InclusionProof.Verify(0, 0, leaf, [], root));
        Assert.False(InclusionProof.Verify(1, 1, leaf, [], root));
        Assert.False(InclusionProof.Verify(-1, 1, leaf, [], root));
        Assert.False(InclusionProof.Verify(0, -1, leaf, [], root));
        Assert.False(InclusionProof.Verify(long.MinValue, long.MaxValue, leaf, [], root));
        Assert.False(InclusionProof.Verify(0, 1, [], [], root));
        Assert.False(InclusionProof.Verify(0, 1, leaf, [], []));
        Assert.False(InclusionProof.Verify(0, 1, leaf.AsSpan(0, 31), [], root.AsSpan(0, 31)));
        Assert.False(InclusionProof.Verify(0, 1, [.. leaf, 0], [], [.. root, 0]));
        Assert.False(InclusionProof.Verify(0, 2, leaf, [new byte[31]], root));
        Assert.False(InclusionProof.TryComputeRoot(0, 1, leaf, [], new byte[31]));

        // A tree of the largest size: a path of 63 garbage hashes neither verifies nor overflows.
        var garbage = Enumerable.Repeat(SomeHash, 63).ToArray();
        Assert.False(InclusionProof.Verify(long.MaxValue - 1, long.MaxValue, leaf, garbage, root));
        Assert.False(InclusionProof.Verify(0, long.MaxValue, leaf, garbage, root));
        Assert.False(InclusionProof.Verify(0, long.MaxValue, leaf, [.. garbage, .. garbage], root));
    }

    [Fact]
    public void Creating_a_proof_outside_the_tree_is_refused()
    {
        var source = InMemoryLeafHashSource.FromLeafHashes(MerkleTreeTests.Concat(LeafHashes));
        Assert.Throws<ArgumentOutOfRangeException>(() => InclusionProof.Create(0, 0, source));
        Assert.Throws<ArgumentOutOfRangeException>(() => InclusionProof.Create(8, 8, source));
        Assert.Throws<ArgumentOutOfRangeException>(() => InclusionProof.Create(-1, 8, source));
        Assert.Throws<ArgumentOutOfRangeException>(() => InclusionProof.Create(3, 9, source));
    }

    [Fact]
    public void Proofs_in_a_larger_tree_verify_against_the_streaming_root()
    {
        // Crosses the chunk size in which ranges are read from the source.
        var source = new InMemoryLeafHashSource();
        var accumulator = new MerkleAccumulator();
        for (var i = 0; i < 10_000; i++)
        {
            var hash = MerkleHash.LeafHash(BitConverter.GetBytes(i));
            source.Append(hash);
            accumulator.Append(hash);
        }

        var root = accumulator.Root();
        foreach (var index in new long[] { 0, 1, 4095, 4096, 8191, 8192, 9998, 9999 })
        {
            var proof = InclusionProof.Create(index, 10_000, source);
            var leaf = new byte[MerkleHash.Size];
            source.GetLeafHash(index, leaf);
            Assert.True(InclusionProof.Verify(index, 10_000, leaf, proof, root));
        }
    }

    internal static byte[] Flip(byte[] hash, int bit)
    {
        var copy = (byte[])hash.Clone();
        copy[bit / 8] ^= (byte)(1 << (bit % 8));
        return copy;
    }
}
