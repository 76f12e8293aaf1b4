namespace Informatiedeling.AccessLog.Merkle;

/// <summary>
/// Where proof generation reads leaf hashes from, by zero-based index: memory in tests and tools, the access-log
/// table in the hub. Proofs need the leaf hashes of whole ranges, so a store that can read a range in one query
/// should override <see cref="GetLeafHashes"/>.
/// </summary>
public interface ILeafHashSource
{
    /// <summary>Writes the hash of leaf <paramref name="index"/> into the first <see cref="MerkleHash.Size"/> bytes of <paramref name="destination"/>.</summary>
    void GetLeafHash(long index, Span<byte> destination);

    /// <summary>
    /// Fills <paramref name="destination"/> with the hashes of the leaves from <paramref name="start"/> on,
    /// concatenated: as many as fit (its length is a multiple of <see cref="MerkleHash.Size"/>).
    /// </summary>
    void GetLeafHashes(long start, Span<byte> destination)
    {
        for (var offset = 0; offset < destination.Length; offset += MerkleHash.Size)
        {
            GetLeafHash(start + (offset / MerkleHash.Size), destination.Slice(offset, MerkleHash.Size));
        }
    }
}
