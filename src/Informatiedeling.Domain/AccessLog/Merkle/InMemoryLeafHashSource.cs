namespace Informatiedeling.AccessLog.Merkle;

/// <summary>An append-only list of leaf hashes in one contiguous buffer.</summary>
public sealed class InMemoryLeafHashSource : ILeafHashSource
{
    private byte[] _hashes;

    public InMemoryLeafHashSource(int capacity = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _hashes = new byte[(long)capacity * MerkleHash.Size];
    }

    /// <summary>The number of leaves held.</summary>
    public long Count { get; private set; }

    /// <summary>Takes the leaf hashes of <paramref name="leafHashes"/>, concatenated.</summary>
    /// <exception cref="ArgumentException">The length is not a multiple of <see cref="MerkleHash.Size"/>.</exception>
    public static InMemoryLeafHashSource FromLeafHashes(ReadOnlySpan<byte> leafHashes)
    {
        if (leafHashes.Length % MerkleHash.Size != 0)
        {
            throw new ArgumentException($"Leaf hashes are {MerkleHash.Size} bytes each.", nameof(leafHashes));
        }

        var source = new InMemoryLeafHashSource(leafHashes.Length / MerkleHash.Size);
        leafHashes.CopyTo(source._hashes);
        source.Count = leafHashes.Length / MerkleHash.Size;
        return source;
    }

    /// <summary>Appends a leaf hash.</summary>
    public void Append(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != MerkleHash.Size)
        {
            throw new ArgumentException($"A leaf hash is {MerkleHash.Size} bytes.", nameof(leafHash));
        }

        var end = (Count + 1) * MerkleHash.Size;
        if (end > Array.MaxLength)
        {
            throw new InvalidOperationException("An in-memory source holds at most one array of leaf hashes.");
        }

        if (end > _hashes.Length)
        {
            Array.Resize(ref _hashes, (int)Math.Min(Array.MaxLength, Math.Max(end, 2L * _hashes.Length)));
        }

        leafHash.CopyTo(_hashes.AsSpan((int)(Count * MerkleHash.Size)));
        Count++;
    }

    /// <summary>Hashes <paramref name="leaf"/> as a leaf and appends it.</summary>
    public void AppendLeaf(ReadOnlySpan<byte> leaf)
    {
        Span<byte> hash = stackalloc byte[MerkleHash.Size];
        MerkleHash.LeafHash(leaf, hash);
        Append(hash);
    }

    /// <summary>All leaf hashes, concatenated.</summary>
    public ReadOnlySpan<byte> LeafHashes => _hashes.AsSpan(0, (int)(Count * MerkleHash.Size));

    public void GetLeafHash(long index, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        _hashes.AsSpan((int)(index * MerkleHash.Size), MerkleHash.Size).CopyTo(destination);
    }

    public void GetLeafHashes(long start, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        if (destination.Length % MerkleHash.Size != 0 || start + (destination.Length / MerkleHash.Size) > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(destination), "The range runs past the last leaf.");
        }

        _hashes.AsSpan((int)(start * MerkleHash.Size), destination.Length).CopyTo(destination);
    }
}
