using System.Numerics;

namespace Informatiedeling.AccessLog.Merkle;

/// <summary>
/// An append-only Merkle tree that keeps only the roots of its perfect subtrees (a compact range over
/// <c>[0, Size)</c>): one root per set bit of <see cref="Size"/>, largest on the left, so at most 63 hashes. Gives the
/// RFC 9162 root after every append, and the root of any number of leaves in one streaming pass, without holding
/// the leaves.
/// </summary>
public sealed class MerkleAccumulator
{
    private const int MaxSubtrees = 63;

    // Subtree roots, left to right, each MerkleHash.Size bytes; the number in use is PopCount(Size).
    private readonly byte[] _subtrees = new byte[MaxSubtrees * MerkleHash.Size];

    /// <summary>The number of leaves appended.</summary>
    public long Size { get; private set; }

    /// <summary>How many perfect subtrees the tree consists of (the number of set bits of <see cref="Size"/>).</summary>
    public int SubtreeCount => BitOperations.PopCount((ulong)Size);

    /// <summary>
    /// Resumes a tree from its size and the roots of its perfect subtrees, left to right, as
    /// <see cref="CopySubtreeRoots"/> wrote them, so that a log need not re-read its leaves after a restart.
    /// </summary>
    /// <exception cref="ArgumentException">The number of roots does not match the size.</exception>
    public static MerkleAccumulator Restore(long size, ReadOnlySpan<byte> subtreeRoots)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (subtreeRoots.Length != BitOperations.PopCount((ulong)size) * MerkleHash.Size)
        {
            throw new ArgumentException("A tree of this size has one root per set bit of its size.", nameof(subtreeRoots));
        }

        var accumulator = new MerkleAccumulator { Size = size };
        subtreeRoots.CopyTo(accumulator._subtrees);
        return accumulator;
    }

    /// <summary>Appends the leaf whose leaf hash (<see cref="MerkleHash.LeafHash(ReadOnlySpan{byte})"/>) is given.</summary>
    /// <exception cref="ArgumentException"><paramref name="leafHash"/> is not <see cref="MerkleHash.Size"/> bytes.</exception>
    public void Append(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != MerkleHash.Size)
        {
            throw new ArgumentException($"A leaf hash is {MerkleHash.Size} bytes.", nameof(leafHash));
        }

        if (Size == long.MaxValue)
        {
            throw new InvalidOperationException("The tree is full.");
        }

        var count = SubtreeCount;
        leafHash.CopyTo(Slot(count));

        // Each trailing one bit of the old size is a perfect subtree of the same height as the one just
        // completed on its right: merge them, as a binary counter carries.
        for (var size = Size; (size & 1) == 1; size >>= 1)
        {
            count--;
            MerkleHash.NodeHash(Slot(count), Slot(count + 1), Slot(count));
        }

        Size++;
    }

    /// <summary>Hashes <paramref name="leaf"/> as a leaf and appends it.</summary>
    public void AppendLeaf(ReadOnlySpan<byte> leaf)
    {
        Span<byte> hash = stackalloc byte[MerkleHash.Size];
        MerkleHash.LeafHash(leaf, hash);
        Append(hash);
    }

    /// <summary>Writes the root of the tree (RFC 9162 MTH) into <paramref name="destination"/>.</summary>
    public void Root(Span<byte> destination)
    {
        if (destination.Length < MerkleHash.Size)
        {
            throw new ArgumentException($"The destination must hold {MerkleHash.Size} bytes.", nameof(destination));
        }

        var count = SubtreeCount;
        if (count == 0)
        {
            MerkleHash.EmptyRoot.CopyTo(destination);
            return;
        }

        // RFC 9162 splits at the largest power of two below the size, so the tree is the left-most perfect subtree
        // over the tree of the rest: fold the roots from the right.
        Span<byte> root = stackalloc byte[MerkleHash.Size];
        Slot(count - 1).CopyTo(root);
        for (var i = count - 2; i >= 0; i--)
        {
            MerkleHash.NodeHash(Slot(i), root, root);
        }

        root.CopyTo(destination);
    }

    /// <summary>Returns the root of the tree (RFC 9162 MTH).</summary>
    public byte[] Root()
    {
        var root = new byte[MerkleHash.Size];
        Root(root);
        return root;
    }

    /// <summary>The roots of the perfect subtrees, left to right, concatenated; the state <see cref="Restore"/> takes.</summary>
    public byte[] CopySubtreeRoots() => _subtrees.AsSpan(0, SubtreeCount * MerkleHash.Size).ToArray();

    private Span<byte> Slot(int index) => _subtrees.AsSpan(index * MerkleHash.Size, MerkleHash.Size);
}
