using System.Buffers;
using System.Security.Cryptography;

namespace Informatiedeling.AccessLog.Merkle;

/// <summary>
/// The hashes of RFC 9162 §2.1 (Certificate Transparency v2) with SHA-256: a leaf is hashed as
/// <c>SHA-256(0x00 || leaf)</c>, an interior node as <c>SHA-256(0x01 || left || right)</c>. The distinct prefixes
/// keep a leaf from ever being passed off as an interior node (second-preimage resistance of the tree).
/// </summary>
public static class MerkleHash
{
    /// <summary>The length in bytes of every hash in the tree.</summary>
    public const int Size = SHA256.HashSizeInBytes;

    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    // Leaves up to this size are hashed from a stack buffer; access-log records are a few hundred bytes.
    private const int StackLimit = 1024;

    /// <summary>The root of the empty tree: SHA-256 of the empty string.</summary>
    public static ReadOnlySpan<byte> EmptyRoot =>
    [
        0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
        0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
    ];

    /// <summary>Writes <c>SHA-256(0x00 || leaf)</c> into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    public static void LeafHash(ReadOnlySpan<byte> leaf, Span<byte> destination)
    {
        RequireDestination(destination);

        // One contiguous buffer and one-shot hashing: far cheaper per leaf than an IncrementalHash instance.
        var length = leaf.Length + 1;
        byte[]? rented = null;
        Span<byte> buffer = length <= StackLimit ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            buffer[0] = LeafPrefix;
            leaf.CopyTo(buffer[1..]);
            SHA256.HashData(buffer[..length], destination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Returns <c>SHA-256(0x00 || leaf)</c>.</summary>
    public static byte[] LeafHash(ReadOnlySpan<byte> leaf)
    {
        var hash = new byte[Size];
        LeafHash(leaf, hash);
        return hash;
    }

    /// <summary>
    /// Writes <c>SHA-256(0x01 || left || right)</c> into <paramref name="destination"/>, which may overlap either
    /// input (the inputs are copied before hashing).
    /// </summary>
    /// <exception cref="ArgumentException">An input is not exactly <see cref="Size"/> bytes.</exception>
    public static void NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        if (left.Length != Size || right.Length != Size)
        {
            throw new ArgumentException($"Both children must be {Size}-byte hashes.");
        }

        RequireDestination(destination);
        Span<byte> buffer = stackalloc byte[1 + (2 * Size)];
        buffer[0] = NodePrefix;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + Size)..]);
        SHA256.HashData(buffer, destination);
    }

    /// <summary>Returns <c>SHA-256(0x01 || left || right)</c>.</summary>
    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var hash = new byte[Size];
        NodeHash(left, right, hash);
        return hash;
    }

    private static void RequireDestination(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"The destination must hold {Size} bytes.", nameof(destination));
        }
    }
}
