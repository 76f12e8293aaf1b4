using System.Text;
using Informatiedeling.AccessLog.Merkle;
using static Informatiedeling.Domain.Tests.AccessLog.MerkleVectors;

namespace Informatiedeling.Domain.Tests.AccessLog;

/// <summary>Leaf, node and root hashes agree with the CT reference vectors and with RFC 9162 written literally.</summary>
public sealed class MerkleTreeTests
{
    [Fact]
    public void Leaf_hashes_match_the_reference_vectors()
    {
        for (var i = 0; i < Leaves.Length; i++)
        {
            Assert.Equal(LeafHashes[i], MerkleHash.LeafHash(Leaves[i]));
        }
    }

    [Fact]
    public void Node_hashes_match_the_reference_vectors()
    {
        for (var i = 0; i < Level1.Length; i++)
        {
            Assert.Equal(Level1[i], MerkleHash.NodeHash(LeafHashes[2 * i], LeafHashes[(2 * i) + 1]));
        }

        Assert.Equal(Level2[0], MerkleHash.NodeHash(Level1[0], Level1[1]));
        Assert.Equal(Level2[1], MerkleHash.NodeHash(Level1[2], Level1[3]));
        Assert.Equal(Roots[8], MerkleHash.NodeHash(Level2[0], Level2[1]));
    }

    [Fact]
    public void Node_hash_may_write_over_its_own_input()
    {
        var left = (byte[])LeafHashes[0].Clone();
        MerkleHash.NodeHash(left, LeafHashes[1], left);
        Assert.Equal(Level1[0], left);

        var right = (byte[])LeafHashes[3].Clone();
        MerkleHash.NodeHash(LeafHashes[2], right, right);
        Assert.Equal(Level1[1], right);
    }

    [Fact]
    public void Leaves_larger_than_the_stack_buffer_hash_the_same_as_reference_sha256()
    {
        foreach (var length in new[] { 1023, 1024, 1025, 70_000 })
        {
            var leaf = new byte[length];
            for (var i = 0; i < leaf.Length; i++)
            {
                leaf[i] = (byte)(i * 31);
            }

            Assert.Equal(ReferenceMerkle.Mth([leaf]), MerkleHash.LeafHash(leaf));
        }
    }

    [Fact]
    public void The_empty_tree_has_the_hash_of_the_empty_string()
    {
        Assert.Equal(Roots[0], MerkleHash.EmptyRoot.ToArray());
        Assert.Equal(Roots[0], new MerkleAccumulator().Root());
        Assert.Equal(Roots[0], MerkleTree.Root(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void Roots_of_every_prefix_match_the_reference_vectors()
    {
        var accumulator = new MerkleAccumulator();
        for (var n = 0; n <= Leaves.Length; n++)
        {
            Assert.Equal(n, accumulator.Size);
            Assert.Equal(Roots[n], accumulator.Root());
            Assert.Equal(Roots[n], MerkleTree.Root(LeafHashes, n));
            Assert.Equal(Roots[n], MerkleTree.Root(Concat(LeafHashes.Take(n))));
            Assert.Equal(Roots[n], MerkleTree.Root(InMemoryLeafHashSource.FromLeafHashes(Concat(LeafHashes)), n));
            if (n < Leaves.Length)
            {
                accumulator.AppendLeaf(Leaves[n]);
            }
        }
    }

    [Fact]
    public void Roots_agree_with_the_literal_rfc_definition_up_to_300_leaves()
    {
        var leaves = Enumerable.Range(0, 300).Select(i => Encoding.UTF8.GetBytes($"toegang {i}")).ToArray();
        var accumulator = new MerkleAccumulator();
        for (var n = 0; n <= leaves.Length; n++)
        {
            Assert.Equal(ReferenceMerkle.Mth(leaves[..n]), accumulator.Root());
            if (n < leaves.Length)
            {
                accumulator.AppendLeaf(leaves[n]);
            }
        }
    }

    [Fact]
    public void A_restored_accumulator_continues_where_the_saved_one_stood()
    {
        var leaves = Enumerable.Range(0, 100).Select(i => MerkleHash.LeafHash(BitConverter.GetBytes(i))).ToArray();
        var original = new MerkleAccumulator();
        for (var n = 0; n < leaves.Length; n++)
        {
            var restored = MerkleAccumulator.Restore(original.Size, original.CopySubtreeRoots());
            Assert.Equal(original.SubtreeCount * MerkleHash.Size, original.CopySubtreeRoots().Length);
            Assert.Equal(original.Root(), restored.Root());

            original.Append(leaves[n]);
            restored.Append(leaves[n]);
            Assert.Equal(original.Root(), restored.Root());
        }
    }

    [Fact]
    public void Malformed_input_is_refused()
    {
        var accumulator = new MerkleAccumulator();
        Assert.Throws<ArgumentException>(() => accumulator.Append(new byte[31]));
        Assert.Throws<ArgumentException>(() => accumulator.Append(new byte[33]));
        Assert.Throws<ArgumentException>(() => MerkleAccumulator.Restore(3, new byte[32]));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleAccumulator.Restore(-1, []));
        Assert.Throws<ArgumentException>(() => MerkleTree.Root(new byte[33]));
        Assert.Throws<ArgumentException>(() => MerkleHash.NodeHash(new byte[32], new byte[31]));
        Assert.Throws<ArgumentException>(() => MerkleHash.LeafHash([1, 2], new byte[31]));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.Root(LeafHashes, 9));
        Assert.Equal(0, accumulator.Size);
    }

    [Fact]
    public void The_in_memory_source_returns_what_was_appended()
    {
        var source = new InMemoryLeafHashSource(1);
        foreach (var leaf in Leaves)
        {
            source.AppendLeaf(leaf);
        }

        Assert.Equal(Leaves.Length, source.Count);
        Assert.Equal(Concat(LeafHashes), source.LeafHashes.ToArray());
        var one = new byte[MerkleHash.Size];
        source.GetLeafHash(5, one);
        Assert.Equal(LeafHashes[5], one);
        var range = new byte[3 * MerkleHash.Size];
        ((ILeafHashSource)source).GetLeafHashes(2, range);
        Assert.Equal(Concat(LeafHashes[2..5]), range);
        Assert.Throws<ArgumentOutOfRangeException>(() => source.GetLeafHash(8, one));
        Assert.Throws<ArgumentOutOfRangeException>(() => source.GetLeafHashes(6, range));
    }

    internal static byte[] Concat(IEnumerable<byte[]> hashes) => [.. hashes.SelectMany(h => h)];
}
