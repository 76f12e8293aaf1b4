namespace Informatiedeling.AccessLog.Merkle;

/// <summary>
/// Inclusion proofs (audit paths) of RFC 9162 §2.1.3: the sibling subtree roots on the way from a leaf to the root,
/// nearest first, that prove a leaf is in a tree of a given size and root.
/// </summary>
public static class InclusionProof
{
    /// <summary>Generates the proof for leaf <paramref name="leafIndex"/> in the tree of the first <paramref name="treeSize"/> leaves (§2.1.3.1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is not below the tree size.</exception>
    public static byte[][] Create(long leafIndex, long treeSize, ILeafHashSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(leafIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(leafIndex, treeSize);

        // PATH(m, D[n]) recurses into the half holding m and appends the root of the other half, so walking down
        // from the root yields the path farthest sibling first.
        var path = new List<byte[]>(64);
        var chunk = MerkleTree.RangeBuffer(treeSize);
        long start = 0, size = treeSize, m = leafIndex;
        while (size > 1)
        {
            var k = MerkleTree.Split(size);
            var sibling = new byte[MerkleHash.Size];
            if (m < k)
            {
                MerkleTree.RangeRoot(source, start + k, size - k, sibling, chunk);
                size = k;
            }
            else
            {
                MerkleTree.RangeRoot(source, start, k, sibling, chunk);
                start += k;
                m -= k;
                size -= k;
            }

            path.Add(sibling);
        }

        path.Reverse();
        return [.. path];
    }

    /// <summary>
    /// Whether <paramref name="proof"/> proves that the leaf with hash <paramref name="leafHash"/> is at
    /// <paramref name="leafIndex"/> in the tree of <paramref name="treeSize"/> leaves with root <paramref name="root"/>
    /// (§2.1.3.2). Any malformed input — index not below size, a hash of the wrong length, a path too short or too
    /// long — is simply not a proof: false, never an exception.
    /// </summary>
    /// <remarks>
    /// A path fits more than one tree size (the path to leaf 0 of 6 leaves also fits a claimed size of 5), so the
    /// size and the root must come from the same signed checkpoint; the signature is what binds them.
    /// </remarks>
    public static bool Verify(long leafIndex, long treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]>? proof, ReadOnlySpan<byte> root)
    {
        Span<byte> computed = stackalloc byte[MerkleHash.Size];
        return root.Length == MerkleHash.Size
            && TryComputeRoot(leafIndex, treeSize, leafHash, proof, computed)
            && computed.SequenceEqual(root);
    }

    /// <summary>
    /// Computes the root that <paramref name="proof"/> leads to from the leaf, or returns false when the inputs
    /// cannot form a proof for this index and size.
    /// </summary>
    public static bool TryComputeRoot(long leafIndex, long treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]>? proof, Span<byte> root)
    {
        if (proof is null || leafIndex < 0 || leafIndex >= treeSize || leafHash.Length != MerkleHash.Size || root.Length < MerkleHash.Size)
        {
            return false;
        }

        var fn = leafIndex;
        var sn = treeSize - 1;
        Span<byte> r = stackalloc byte[MerkleHash.Size];
        leafHash.CopyTo(r);
        for (var i = 0; i < proof.Count; i++)
        {
            var p = proof[i];
            if (sn == 0 || p is null || p.Length != MerkleHash.Size)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                MerkleHash.NodeHash(p, r, r);

                // On the right edge of the tree a node may have no right sibling: skip the levels it is promoted through.
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                MerkleHash.NodeHash(r, p, r);
            }

            fn >>= 1;
            sn >>= 1;
        }

        if (sn != 0)
        {
            return false;
        }

        r.CopyTo(root);
        return true;
    }
}
