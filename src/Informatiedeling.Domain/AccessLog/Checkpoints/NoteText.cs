using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Informatiedeling.AccessLog.Checkpoints;

/// <summary>
/// The rules of C2SP signed-note (c2sp.org/signed-note) that signer and verifier share: signature lines, key names,
/// key IDs and the strictness of the text.
/// </summary>
internal static class NoteText
{
    /// <summary>What every signature line starts with: an em dash (U+2014) and a space.</summary>
    public const string SignaturePrefix = "\u2014 ";

    /// <summary>
    /// The signed-note signature type of ECDSA over SHA-256, as Sigstore's Rekor and transparency-dev/formats use
    /// it: the key ID is the first four bytes of SHA-256 over the DER SubjectPublicKeyInfo, the signature ASN.1 DER.
    /// </summary>
    public const byte EcdsaSignatureType = 0x02;

    public static bool IsValidKeyName(string name)
    {
        if (!IsValidLine(name))
        {
            return false;
        }

        foreach (var rune in name.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune) || rune.Value == '+')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Non-empty, no control characters (newline included) and well-formed UTF-16, so it has one UTF-8 form.</summary>
    public static bool IsValidLine(string line)
    {
        if (line.Length == 0)
        {
            return false;
        }

        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c < ' ' || char.IsLowSurrogate(c))
            {
                return false;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 == line.Length || !char.IsLowSurrogate(line[i + 1]))
                {
                    return false;
                }

                i++;
            }
        }

        return true;
    }

    public static uint KeyId(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(subjectPublicKeyInfo, hash);
        return BinaryPrimitives.ReadUInt32BigEndian(hash);
    }

    /// <summary>Decodes standard base64 only in its canonical form: padded, no whitespace, zero trailing bits.</summary>
    public static bool TryDecodeCanonicalBase64(string text, Span<byte> destination, out int written)
    {
        written = 0;
        if (text.Length == 0 || text.Length % 4 != 0 || text.AsSpan().ContainsAny(" \t\r\n"))
        {
            return false;
        }

        return Convert.TryFromBase64String(text, destination, out written)
            && string.Equals(Convert.ToBase64String(destination[..written]), text, StringComparison.Ordinal);
    }

    /// <summary>Imports a DER SubjectPublicKeyInfo that must hold a NIST P-256 key.</summary>
    /// <exception cref="CryptographicException">It is not a P-256 public key.</exception>
    public static ECDsa ImportP256PublicKey(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        ECDsa? key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            if (read != subjectPublicKeyInfo.Length)
            {
                throw new CryptographicException("Bytes follow the SubjectPublicKeyInfo.");
            }

            RequireP256(key);
            var imported = key;
            key = null;
            return imported;
        }
        finally
        {
            key?.Dispose();
        }
    }

    public static void RequireP256(ECDsa key)
    {
        if (!string.Equals(key.ExportParameters(false).Curve.Oid.Value, ECCurve.NamedCurves.nistP256.Oid.Value, StringComparison.Ordinal))
        {
            throw new CryptographicException("Checkpoint keys are ECDSA keys on NIST P-256.");
        }
    }
}
