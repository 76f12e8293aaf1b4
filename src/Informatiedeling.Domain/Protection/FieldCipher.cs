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

    public static byte[] Encrypt(AesGcm aes, in FieldBinding binding, ReadOnlySpan<byte> plaintext) =>
        Encrypt(aes, BindingPrefix(binding.Case, binding.Category, binding.KeyVersion), binding.Field, plaintext);

    /// <summary>
    /// Encrypts with the binding given as the case key's precomputed prefix (case, category, key version) and the
    /// field name: the same associated data as <see cref="Encrypt(AesGcm, in FieldBinding, ReadOnlySpan{byte})"/>.
    /// </summary>
    public static byte[] Encrypt(AesGcm aes, ReadOnlySpan<byte> bindingPrefix, string field, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[Overhead + plaintext.Length];
        output[0] = FormatVersion;
        var nonce = output.AsSpan(1, NonceSize);
        NonceSource.Fill(nonce);
        Span<byte> associated = stackalloc byte[MaxAssociatedData];
        var length = AssociatedData(bindingPrefix, field, associated);
        aes.Encrypt(nonce, plaintext, output.AsSpan(Overhead), output.AsSpan(1 + NonceSize, TagSize), associated[..length]);
        return output;
    }

    /// <summary>Decrypts into <paramref name="plaintext"/> (length: ciphertext − <see cref="Overhead"/>); false when the data or binding was tampered with.</summary>
    public static bool TryDecrypt(AesGcm aes, in FieldBinding binding, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext) =>
        TryDecrypt(aes, BindingPrefix(binding.Case, binding.Category, binding.KeyVersion), binding.Field, ciphertext, plaintext);

    public static bool TryDecrypt(AesGcm aes, ReadOnlySpan<byte> bindingPrefix, string field, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext)
    {
        if (ciphertext.Length < Overhead || ciphertext[0] != FormatVersion || plaintext.Length != ciphertext.Length - Overhead)
        {
            return false;
        }

        Span<byte> associated = stackalloc byte[MaxAssociatedData];
        var length = AssociatedData(bindingPrefix, field, associated);
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

    /// <summary>The part of the associated data that a case key fixes: format, case, category, key version.</summary>
    public static byte[] BindingPrefix(string caseId, string category, int keyVersion)
    {
        Span<byte> buffer = stackalloc byte[MaxAssociatedData];
        var written = 0;
        written += Part("infodeel-field-v1", buffer[written..]);
        written += Part(caseId, buffer[written..]);
        written += Part(category, buffer[written..]);
        BinaryPrimitives.WriteInt32BigEndian(buffer[written..], keyVersion);
        return buffer[..(written + 4)].ToArray();
    }

    /// <summary>
    /// Random nonces drawn from the system CSPRNG a few kilobytes at a time per thread: the same randomness as one
    /// call per nonce, without a system call per field. Used bytes are cleared as they are handed out.
    /// </summary>
    private static class NonceSource
    {
        private const int BufferSize = 4096;

        [ThreadStatic]
        private static byte[]? _buffer;

        [ThreadStatic]
        private static int _used;

        public static void Fill(Span<byte> nonce)
        {
            var buffer = _buffer ??= new byte[BufferSize];
            if (_used == 0 || _used + nonce.Length > BufferSize)
            {
                RandomNumberGenerator.Fill(buffer);
                _used = 0;
            }

            var source = buffer.AsSpan(_used, nonce.Length);
            source.CopyTo(nonce);
            source.Clear();
            _used += nonce.Length;
        }
    }

    /// <summary>Length-prefixed parts, so that no two different bindings encode to the same bytes.</summary>
    private static int AssociatedData(ReadOnlySpan<byte> prefix, string field, Span<byte> destination)
    {
        prefix.CopyTo(destination);
        return prefix.Length + Part(field, destination[prefix.Length..]);
    }

    private static int Part(string value, Span<byte> destination)
    {
        var length = Encoding.UTF8.GetBytes(value, destination[2..]);
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)length);
        return length + 2;
    }
}
