using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;

namespace Informatiedeling.AccessLog.Checkpoints;

/// <summary>
/// Checks signed checkpoints of one log (its origin) against one public key, as an outsider does: no private key,
/// no access to the log's storage. Everything it is given is untrusted, so it refuses rather than throws, with the
/// reason. See <see cref="CheckpointSigner"/> for the signature scheme.
/// </summary>
public sealed class CheckpointVerifier : IDisposable
{
    /// <summary>
    /// The largest note accepted. The note specification asks verifiers to bound the size but to take at least
    /// 16 signatures, which may be nearly 5 kB each for post-quantum schemes.
    /// </summary>
    public const int MaxNoteBytes = 128 * 1024;

    /// <summary>The most signature lines accepted on one note.</summary>
    public const int MaxSignatures = 64;

    private static readonly byte[] SignaturePrefixUtf8 = Encoding.UTF8.GetBytes(NoteText.SignaturePrefix);

    private readonly ECDsa _key;
    private readonly Lock _lock = new();

    private CheckpointVerifier(string origin, string keyName, ECDsa key, uint keyId)
    {
        Origin = origin;
        KeyName = keyName;
        _key = key;
        KeyId = keyId;
    }

    /// <summary>The origin every accepted checkpoint must carry.</summary>
    public string Origin { get; }

    /// <summary>The key name of the trusted signature line.</summary>
    public string KeyName { get; }

    /// <summary>The key ID of the trusted key.</summary>
    public uint KeyId { get; }

    /// <summary>
    /// Trusts the key given as a verifier key, <c>name+keyid+base64(0x02 || SubjectPublicKeyInfo)</c>
    /// (<see cref="CheckpointSigner.VerifierKey"/>).
    /// </summary>
    /// <exception cref="FormatException">The verifier key is malformed, of another type, or its key ID does not match its key.</exception>
    public static CheckpointVerifier FromVerifierKey(string origin, string verifierKey)
    {
        ArgumentNullException.ThrowIfNull(verifierKey);
        var parts = verifierKey.Split('+', 3);
        if (parts.Length != 3 || !NoteText.IsValidKeyName(parts[0]))
        {
            throw new FormatException("A verifier key reads name+keyid+key, and the name holds no spaces or plus signs.");
        }

        if (parts[1].Length != 8 || !uint.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var keyId))
        {
            throw new FormatException("The key ID of a verifier key is eight hexadecimal digits.");
        }

        var key = new byte[parts[2].Length];
        if (!NoteText.TryDecodeCanonicalBase64(parts[2], key, out var length) || length < 2)
        {
            throw new FormatException("The key of a verifier key is canonical base64.");
        }

        if (key[0] != NoteText.EcdsaSignatureType)
        {
            throw new FormatException($"The verifier key is of signature type 0x{key[0]:x2}; checkpoints here are signed with type 0x02 (ECDSA P-256).");
        }

        var spki = key.AsSpan(1, length - 1);
        if (NoteText.KeyId(spki) != keyId)
        {
            throw new FormatException("The key ID of the verifier key does not match its key.");
        }

        try
        {
            return FromSubjectPublicKeyInfo(origin, parts[0], spki);
        }
        catch (CryptographicException e)
        {
            throw new FormatException("The verifier key does not hold a P-256 public key.", e);
        }
    }

    /// <summary>Trusts the P-256 public key in SubjectPublicKeyInfo PEM (<c>PUBLIC KEY</c>).</summary>
    /// <exception cref="CryptographicException">The text holds no P-256 public key.</exception>
    public static CheckpointVerifier FromPublicKeyPem(string origin, string keyName, string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!PemEncoding.TryFind(pem, out var fields) || !pem.AsSpan()[fields.Label].SequenceEqual("PUBLIC KEY"))
        {
            throw new CryptographicException("The text holds no PUBLIC KEY PEM block.");
        }

        return FromSubjectPublicKeyInfo(origin, keyName, Convert.FromBase64String(pem[fields.Base64Data]));
    }

    /// <summary>Trusts the P-256 public key in DER SubjectPublicKeyInfo.</summary>
    /// <exception cref="CryptographicException">It is not a P-256 public key.</exception>
    public static CheckpointVerifier FromSubjectPublicKeyInfo(string origin, string keyName, ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(keyName);
        if (!NoteText.IsValidLine(origin))
        {
            throw new ArgumentException("An origin is non-empty text on one line without control characters.", nameof(origin));
        }

        if (!NoteText.IsValidKeyName(keyName))
        {
            throw new ArgumentException("A key name is non-empty and holds no spaces, plus signs or control characters.", nameof(keyName));
        }

        var key = NoteText.ImportP256PublicKey(subjectPublicKeyInfo);
        return new CheckpointVerifier(origin, keyName, key, NoteText.KeyId(subjectPublicKeyInfo));
    }

    /// <summary>Verifies a signed checkpoint given as text.</summary>
    public CheckpointVerification Verify(string? signedNote)
    {
        if (signedNote is null || signedNote.Length > MaxNoteBytes)
        {
            return CheckpointVerification.Refused(CheckpointStatus.Malformed, $"a signed checkpoint is text of at most {MaxNoteBytes} bytes");
        }

        var utf8 = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(signedNote.Length));
        try
        {
            // Lone surrogates have no UTF-8 form: refuse them instead of letting an encoder substitute.
            if (Utf8.FromUtf16(signedNote, utf8, out _, out var written, replaceInvalidSequences: false) != OperationStatus.Done)
            {
                return CheckpointVerification.Refused(CheckpointStatus.Malformed, "the note is not well-formed Unicode");
            }

            return Verify(utf8.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    /// <summary>Verifies a signed checkpoint given as UTF-8 bytes, as it travels.</summary>
    public CheckpointVerification Verify(ReadOnlySpan<byte> signedNote)
    {
        if (!TrySplitNote(signedNote, out var text, out var signatures, out var reason))
        {
            return CheckpointVerification.Refused(CheckpointStatus.Malformed, reason);
        }

        var verified = false;
        var lines = 0;
        foreach (var range in signatures.Split((byte)'\n'))
        {
            var line = signatures[range];
            if (line.IsEmpty)
            {
                continue;
            }

            if (++lines > MaxSignatures)
            {
                return CheckpointVerification.Refused(CheckpointStatus.Malformed, $"more than {MaxSignatures} signature lines");
            }

            if (!TryParseSignatureLine(line, out var name, out var blob, out reason))
            {
                return CheckpointVerification.Refused(CheckpointStatus.Malformed, reason);
            }

            // Signatures by other keys (witnesses, a rotated key) are ignored, as the note specification requires;
            // only the tuple of name and key ID picks the trusted key.
            if (!string.Equals(name, KeyName, StringComparison.Ordinal) || BinaryPrimitives.ReadUInt32BigEndian(blob) != KeyId)
            {
                continue;
            }

            bool valid;
            lock (_lock)
            {
                valid = _key.VerifyData(text, blob.AsSpan(4), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            }

            if (!valid)
            {
                return CheckpointVerification.Refused(CheckpointStatus.SignatureInvalid,
                    $"the signature by {KeyName} does not verify: the checkpoint was altered after signing, or signed by another key under this name and ID");
            }

            verified = true;
        }

        if (!verified)
        {
            return CheckpointVerification.Refused(CheckpointStatus.NotSignedByKey,
                $"no signature by the trusted key {KeyName} ({KeyId:x8})");
        }

        // Only now is the text trusted enough to be read.
        if (!Checkpoint.TryParse(Encoding.UTF8.GetString(text), out var checkpoint, out reason))
        {
            return CheckpointVerification.Refused(CheckpointStatus.Malformed, reason);
        }

        if (!string.Equals(checkpoint.Origin, Origin, StringComparison.Ordinal))
        {
            return CheckpointVerification.Refused(CheckpointStatus.WrongOrigin, $"the checkpoint is of another log than {Origin}");
        }

        return new CheckpointVerification(CheckpointStatus.Verified, checkpoint, "signed by the trusted key");
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _key.Dispose();
        }
    }

    internal static string FormatVerifierKey(string keyName, ReadOnlySpan<byte> subjectPublicKeyInfo) =>
        $"{keyName}+{NoteText.KeyId(subjectPublicKeyInfo):x8}+{Convert.ToBase64String([NoteText.EcdsaSignatureType, .. subjectPublicKeyInfo])}";

    /// <summary>The note text (through its final newline) and the signature block, per the signed-note format.</summary>
    private static bool TrySplitNote(ReadOnlySpan<byte> note, out ReadOnlySpan<byte> text, out ReadOnlySpan<byte> signatures, out string reason)
    {
        text = default;
        signatures = default;
        if (note.Length > MaxNoteBytes)
        {
            reason = $"the note is larger than {MaxNoteBytes} bytes";
            return false;
        }

        if (!Utf8.IsValid(note))
        {
            reason = "the note is not valid UTF-8";
            return false;
        }

        foreach (var b in note)
        {
            if (b < 0x20 && b != (byte)'\n')
            {
                reason = "the note holds a control character other than newline";
                return false;
            }
        }

        if (note.IsEmpty || note[^1] != (byte)'\n')
        {
            reason = "the note does not end in a newline";
            return false;
        }

        // The text ends at the last blank line; signature lines are never empty.
        var blank = note.LastIndexOf("\n\n"u8);
        if (blank < 0)
        {
            reason = "no blank line separates the text from the signatures";
            return false;
        }

        text = note[..(blank + 1)];
        signatures = note[(blank + 2)..];
        if (signatures.IsEmpty)
        {
            reason = "the note has no signature lines";
            return false;
        }

        reason = "";
        return true;
    }

    private static bool TryParseSignatureLine(ReadOnlySpan<byte> line, out string name, out byte[] blob, out string reason)
    {
        name = "";
        blob = [];
        if (!line.StartsWith(SignaturePrefixUtf8))
        {
            reason = "a signature line does not start with an em dash and a space";
            return false;
        }

        var rest = Encoding.UTF8.GetString(line[SignaturePrefixUtf8.Length..]);
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || rest.IndexOf(' ', space + 1) >= 0)
        {
            reason = "a signature line is not a key name and a signature separated by one space";
            return false;
        }

        name = rest[..space];
        if (!NoteText.IsValidKeyName(name))
        {
            reason = "a signature line has a key name with spaces or plus signs";
            return false;
        }

        var encoded = rest[(space + 1)..];
        var decoded = new byte[encoded.Length / 4 * 3];
        if (!NoteText.TryDecodeCanonicalBase64(encoded, decoded, out var length) || length < 5)
        {
            reason = "a signature is not the canonical base64 of a key ID and signature bytes";
            return false;
        }

        blob = decoded[..length];
        reason = "";
        return true;
    }
}
