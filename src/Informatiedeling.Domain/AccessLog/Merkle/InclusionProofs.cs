namespace Informatiedeling.AccessLog.Merkle;

/// <summary>
/// Many inclusion proofs in one tree: every complete, aligned subtree root is computed once (about as many hashes as
/// leaves), after which each proof is a lookup per level instead of hashing half the tree (as
/// <see cref="InclusionProof.Create"/> does per proof). The paths are exactly those of <see cref="InclusionProof.Create"/>.
/// </summary>
public sealed class InclusionProofs
{
    // levels[h][i] = MTH of leaves [i·2^h, (i+1)·2^h), for every such range that lies wholly within the tree.
    private readonly byte[][] _levels;
    private readonly Dictionary<(long Start, long Count), byte[]> _edge = [];

    private InclusionProofs(long treeSize, byte[][] levels)
    {
        TreeSize = treeSize;
        _levels = levels;
        Root = treeSize == 0 ? MerkleHash.EmptyRoot.ToArray() : RangeRoot(0, treeSize);
    }

    /// <summary>The number of leaves.</summary>
    public long TreeSize { get; }

    /// <summary>The root of the tree (MTH of all its leaves).</summary>
    public byte[] Root { get; }

    /// <summary>The tree of the first <paramref name="treeSize"/> leaves of <paramref name="source"/>.</summary>
    public static InclusionProofs Build(InMemoryLeafHashSource source, long treeSize)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(treeSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(treeSize, source.Count);
        var levels = new List<byte[]> { source.LeafHashes[..(int)(treeSize * MerkleHash.Size)].ToArray() };
        for (var width = treeSize / 2; width > 0; width /= 2)
        {
            var below = levels[^1];
            var level = new byte[width * MerkleHash.Size];
            for (var i = 0L; i < width; i++)
            {
                var left = below.AsSpan((int)(2 * i * MerkleHash.Size), MerkleHash.Size);
                var right = below.AsSpan((int)(((2 * i) + 1) * MerkleHash.Size), MerkleHash.Size);
                MerkleHash.NodeHash(left, right, level.AsSpan((int)(i * MerkleHash.Size), MerkleHash.Size));
            }

            levels.Add(level);
        }

        return new InclusionProofs(treeSize, [.. levels]);
    }

    /// <summary>The hash of leaf <paramref name="leafIndex"/>.</summary>
    public byte[] LeafHash(long leafIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(leafIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(leafIndex, TreeSize);
        return _levels[0].AsSpan((int)(leafIndex * MerkleHash.Size), MerkleHash.Size).ToArray();
    }

    /// <summary>The inclusion proof of leaf <paramref name="leafIndex"/> (RFC 9162 §2.1.3.1), nearest sibling first.</summary>
    public byte[][] Path(long leafIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(leafIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(leafIndex, TreeSize);
        var path = new List<byte[]>(64);
        long start = 0, size = TreeSize, m = leafIndex;
        while (size > 1)
        {
            var k = MerkleTree.Split(size);
            if (m < k)
            {
                path.Add(RangeRoot(start + k, size - k));
                size = k;
            }
            else
            {
                path.Add(RangeRoot(start, k));
                start += k;
                m -= k;
                size -= k;
            }
        }

        path.Reverse();
        return [.. path];
    }

    /// <summary>MTH of leaves [start, start+count): a stored node when the range is a complete aligned subtree, else split as RFC 9162 does (only on the right edge, cached).</summary>
    private byte[] RangeRoot(long start, long count)
    {
        if ((count & (count - 1)) == 0)
        {
            var height = 63 - (int)long.LeadingZeroCount(count);
            var index = start >> height;
            return _levels[height].AsSpan((int)(index * MerkleHash.Size), MerkleHash.Size).ToArray();
        }

        if (_edge.TryGetValue((start, count), out var known))
        {
            return known;
        }

        var k = MerkleTree.Split(count);
        var root = MerkleHash.NodeHash(RangeRoot(start, k), RangeRoot(start + k, count - k));
        _edge[(start, count)] = root;
        return root;
    }
}
