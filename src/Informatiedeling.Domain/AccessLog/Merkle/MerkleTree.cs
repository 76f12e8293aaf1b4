namespace Informatiedeling.AccessLog.Merkle;

/// <summary>The Merkle tree head (RFC 9162 §2.1.1, MTH) of a list of leaf hashes.</summary>
public static class MerkleTree
{
    // Leaf hashes read from a source per round trip while streaming a range (128 KiB).
    private const int ChunkLeaves = 4096;

    /// <summary>Writes the root of the tree whose leaf hashes are <paramref name="leafHashes"/>, concatenated.</summary>
    /// <exception cref="ArgumentException">The length is not a multiple of <see cref="MerkleHash.Size"/>.</exception>
    public static void Root(ReadOnlySpan<byte> leafHashes, Span<byte> destination)
    {
        if (leafHashes.Length % MerkleHash.Size != 0)
        {
            throw new ArgumentException($"Leaf hashes are {MerkleHash.Size} bytes each.", nameof(leafHashes));
        }

        var accumulator = new MerkleAccumulator();
        for (var offset = 0; offset < leafHashes.Length; offset += MerkleHash.Size)
        {
            accumulator.Append(leafHashes.Slice(offset, MerkleHash.Size));
        }

        accumulator.Root(destination);
    }

    /// <summary>Returns the root of the tree whose leaf hashes are <paramref name="leafHashes"/>, concatenated.</summary>
    public static byte[] Root(ReadOnlySpan<byte> leafHashes)
    {
        var root = new byte[MerkleHash.Size];
        Root(leafHashes, root);
        return root;
    }

    /// <summary>Returns the root of the tree of the first <paramref name="size"/> of <paramref name="leafHashes"/>.</summary>
    public static byte[] Root(IReadOnlyList<byte[]> leafHashes, long size)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, leafHashes.Count);
        var accumulator = new MerkleAccumulator();
        for (var i = 0; i < size; i++)
        {
            accumulator.Append(leafHashes[i]);
        }

        return accumulator.Root();
    }

    /// <summary>Returns the root of the tree of the first <paramref name="size"/> leaves of <paramref name="source"/>.</summary>
    public static byte[] Root(ILeafHashSource source, long size)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var root = new byte[MerkleHash.Size];
        RangeRoot(source, 0, size, root, RangeBuffer(size));
        return root;
    }

    /// <summary>A buffer for <see cref="RangeRoot"/> over ranges of at most <paramref name="maxCount"/> leaves.</summary>
    internal static byte[] RangeBuffer(long maxCount) => new byte[(int)Math.Clamp(maxCount, 1, ChunkLeaves) * MerkleHash.Size];

    /// <summary>
    /// Writes MTH(D[start:start+count]) into <paramref name="destination"/>, streaming the range through
    /// <paramref name="chunk"/> (from <see cref="RangeBuffer"/>).
    /// </summary>
    internal static void RangeRoot(ILeafHashSource source, long start, long count, Span<byte> destination, byte[] chunk)
    {
        var accumulator = new MerkleAccumulator();
        var chunkLeaves = chunk.Length / MerkleHash.Size;
        for (var done = 0L; done < count;)
        {
            var leaves = (int)Math.Min(count - done, chunkLeaves);
            var span = chunk.AsSpan(0, leaves * MerkleHash.Size);
            source.GetLeafHashes(start + done, span);
            for (var offset = 0; offset < span.Length; offset += MerkleHash.Size)
            {
                accumulator.Append(span.Slice(offset, MerkleHash.Size));
            }

            done += leaves;
        }

        accumulator.Root(destination);
    }

    /// <summary>The largest power of two smaller than <paramref name="n"/> (n ≥ 2): where RFC 9162 splits a tree of n leaves.</summary>
    internal static long Split(long n) => 1L << (63 - (int)long.LeadingZeroCount(n - 1));
}
