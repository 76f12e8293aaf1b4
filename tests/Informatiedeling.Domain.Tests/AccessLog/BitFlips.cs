using Informatiedeling.AccessLog.Merkle;

namespace Informatiedeling.Domain.Tests.AccessLog;

/// <summary>
/// Which bits of a 32-byte hash the tampering tests flip. Every one of the 256 for the small trees and the sizes
/// around powers of two, where the proof shapes change; for the other sizes one bit of every byte, a different bit
/// per byte and per index, so that a verifier ignoring any byte is still caught at every size. (All 256 bits at
/// every size would cost about a hundred million SHA-256 calls, half a minute of test time for no new shape.)
/// </summary>
internal static class BitFlips
{
    private static readonly HashSet<int> AllBitsSizes = [.. Enumerable.Range(0, 17), 31, 32, 33, 63, 64];

    public static IEnumerable<int> For(int size, int index) => AllBitsSizes.Contains(size)
        ? Enumerable.Range(0, MerkleHash.Size * 8)
        : Enumerable.Range(0, MerkleHash.Size).Select(b => (b * 8) + ((b + index + size) % 8));
}
