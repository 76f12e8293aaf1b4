using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Informatiedeling.Protection;

/// <summary>Where a field ciphertext belongs. All of it is bound into the ciphertext as associated data.</summary>
public readonly record struct FieldBinding(string Case, string Field, string Category, int KeyVersion);

/// <summary>
/// AES-256-GCM for one field value: a fresh random 96-bit nonce per encryption and the case pseudonym, field,
/// category and key version bound in as associated data, so a ciphertext moved to another field or case, or
/// decrypted under another key version, fails authentication instead of yielding a value.
/// Layout: <c>0x01 | nonce (12) | tag (16) | ciphertext</c>.
/// </summary>
public static class FieldCipher
{
    public const byte FormatVersion = 1;
    public const int KeySize = 32;
    public const int Overhead = 1 + NonceSize + TagSize;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int MaxAssociatedData = 512;

    public static byte[] Encrypt(AesGcm aes, in FieldBinding binding, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[Overhead + plaintext.Length];
        output[0] = FormatVersion;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        Span<byte> associated = stackalloc byte[MaxAssociatedData];
        var length = AssociatedData(binding, associated);
        aes.Encrypt(nonce, plaintext, output.AsSpan(Overhead), output.AsSpan(1 + NonceSize, TagSize), associated[..length]);
        return output;
    }

    /// <summary>Decrypts into <paramref name="plaintext"/> (length: ciphertext − <see cref="Overhead"/>); false when the data or binding was tampered with.</summary>
    public static bool TryDecrypt(AesGcm aes, in FieldBinding binding, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext)
    {
        if (ciphertext.Length < Overhead || ciphertext[0] != FormatVersion || plaintext.Length != ciphertext.Length - Overhead)
        {
            return false;
        }

        Span<byte> associated = stackalloc byte[MaxAssociatedData];
        var length = AssociatedData(binding, associated);
        try
        {
            aes.Decrypt(ciphertext.Slice(1, NonceSize), ciphertext[Overhead..], ciphertext.Slice(1 + NonceSize, TagSize), plaintext, associated[..length]);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            return false;
        }
    }

    /// <summary>Length-prefixed parts, so that no two different bindings encode to the same bytes.</summary>
    private static int AssociatedData(in FieldBinding binding, Span<byte> destination)
    {
        var written = 0;
        written += Part("infodeel-field-v1", destination[written..]);
        written += Part(binding.Case, destination[written..]);
        written += Part(binding.Field, destination[written..]);
        written += Part(binding.Category, destination[written..]);
        BinaryPrimitives.WriteInt32BigEndian(destination[written..], binding.KeyVersion);
        return written + 4;
    }

    private static int Part(string value, Span<byte> destination)
    {
        var length = Encoding.UTF8.GetBytes(value, destination[2..]);
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)length);
        return length + 2;
    }
}
