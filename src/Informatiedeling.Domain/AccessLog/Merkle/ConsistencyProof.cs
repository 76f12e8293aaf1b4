namespace Informatiedeling.AccessLog.Merkle;

/// <summary>
/// Consistency proofs of RFC 9162 §2.1.4: the subtree roots that show the tree of the first m leaves is a prefix of
/// the tree of n leaves — that between the two tree heads the log only appended.
/// </summary>
public static class ConsistencyProof
{
    /// <summary>
    /// Generates the proof that the tree of <paramref name="oldSize"/> leaves is a prefix of the tree of
    /// <paramref name="newSize"/> leaves (§2.1.4.1). Empty when the sizes are equal or the old tree is empty, since
    /// nothing needs proving then.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not 0 ≤ old size ≤ new size.</exception>
    public static byte[][] Create(long oldSize, long newSize, ILeafHashSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(oldSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(oldSize, newSize);
        if (oldSize == 0 || oldSize == newSize)
        {
            return [];
        }

        // SUBPROOF(m, D[n], b) recurses into one half and appends the root of the other, so walking down from the
        // root yields the proof last node first. b stays true while the old tree's root is the subtree being
        // descended into; the verifier knows that root already, so it is left out.
        var proof = new List<byte[]>(128);
        var chunk = MerkleTree.RangeBuffer(newSize);
        long start = 0, size = newSize, m = oldSize;
        var haveOldRoot = true;
        while (m != size)
        {
            var k = MerkleTree.Split(size);
            var node = new byte[MerkleHash.Size];
            if (m <= k)
            {
                MerkleTree.RangeRoot(source, start + k, size - k, node, chunk);
                size = k;
            }
            else
            {
                MerkleTree.RangeRoot(source, start, k, node, chunk);
                start += k;
                m -= k;
                size -= k;
                haveOldRoot = false;
            }

            proof.Add(node);
        }

        if (!haveOldRoot)
        {
            var node = new byte[MerkleHash.Size];
            MerkleTree.RangeRoot(source, start, size, node, chunk);
            proof.Add(node);
        }

        proof.Reverse();
        return [.. proof];
    }

    /// <summary>
    /// Whether <paramref name="proof"/> proves that the tree of <paramref name="oldSize"/> leaves with root
    /// <paramref name="oldRoot"/> is a prefix of the tree of <paramref name="newSize"/> leaves with root
    /// <paramref name="newRoot"/> (§2.1.4.2). Malformed input — sizes out of order, hashes of the wrong length, a
    /// proof too short or too long — is simply not a proof: false, never an exception.
    /// </summary>
    public static bool Verify(long oldSize, long newSize, ReadOnlySpan<byte> oldRoot, ReadOnlySpan<byte> newRoot, IReadOnlyList<byte[]>? proof)
    {
        if (proof is null || oldSize < 0 || oldSize > newSize || oldRoot.Length != MerkleHash.Size || newRoot.Length != MerkleHash.Size)
        {
            return false;
        }

        if (oldSize == newSize)
        {
            // The same tree: nothing to prove, but the heads must agree (and an empty tree has the empty root).
            return proof.Count == 0 && oldRoot.SequenceEqual(newRoot) && (oldSize != 0 || oldRoot.SequenceEqual(MerkleHash.EmptyRoot));
        }

        if (oldSize == 0)
        {
            // Every tree extends the empty tree.
            return proof.Count == 0 && oldRoot.SequenceEqual(MerkleHash.EmptyRoot);
        }

        if (proof.Count == 0)
        {
            return false;
        }

        for (var i = 0; i < proof.Count; i++)
        {
            if (proof[i] is null || proof[i].Length != MerkleHash.Size)
            {
                return false;
            }
        }

        // When the old size is a power of two the old root is itself a node of the new tree and heads the path.
        var oldIsPerfect = (oldSize & (oldSize - 1)) == 0;
        var next = 0;
        Span<byte> fr = stackalloc byte[MerkleHash.Size];
        Span<byte> sr = stackalloc byte[MerkleHash.Size];
        if (oldIsPerfect)
        {
            oldRoot.CopyTo(fr);
        }
        else
        {
            proof[next++].CopyTo(fr);
        }

        fr.CopyTo(sr);
        var fn = oldSize - 1;
        var sn = newSize - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        for (; next < proof.Count; next++)
        {
            var c = proof[next];
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                MerkleHash.NodeHash(c, fr, fr);
                MerkleHash.NodeHash(c, sr, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                MerkleHash.NodeHash(sr, c, sr);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && fr.SequenceEqual(oldRoot) && sr.SequenceEqual(newRoot);
    }
}
