using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Informatiedeling.AccessLog.Checkpoints;

/// <summary>
/// Signs checkpoints as C2SP signed notes with the log's private key. The key belongs outside the database (a file
/// readable only by the hub, or a secret store): whoever can rewrite the log's tables must not also be able to
/// sign a new history. The host reads the key; this class only parses it.
/// </summary>
/// <remarks>
/// The signed-note default is Ed25519, which .NET does not offer. This uses signature type 0x02 of the note
/// specification instead: ECDSA on NIST P-256 over SHA-256, the signature in ASN.1 DER, key ID = the first four
/// bytes of SHA-256 over the DER SubjectPublicKeyInfo — exactly as Sigstore's Rekor signs its checkpoints and
/// transparency-dev/formats verifies them, so standard note tooling can check ours.
/// </remarks>
public sealed class CheckpointSigner : IDisposable
{
    private readonly ECDsa _key;
    private readonly Lock _lock = new();
    private readonly byte[] _subjectPublicKeyInfo;

    private CheckpointSigner(string keyName, ECDsa key)
    {
        if (!NoteText.IsValidKeyName(keyName))
        {
            throw new ArgumentException("A key name is non-empty and holds no spaces, plus signs or control characters.", nameof(keyName));
        }

        NoteText.RequireP256(key);
        _key = key;
        _subjectPublicKeyInfo = key.ExportSubjectPublicKeyInfo();
        KeyName = keyName;
        KeyId = NoteText.KeyId(_subjectPublicKeyInfo);
    }

    /// <summary>The key name of the signature lines; by convention the log's origin.</summary>
    public string KeyName { get; }

    /// <summary>The 32-bit key ID that precedes each signature.</summary>
    public uint KeyId { get; }

    /// <summary>
    /// The public key as one line, <c>name+keyid+base64(0x02 || SubjectPublicKeyInfo)</c>, in the verifier-key form
    /// of Go's note package: what an outsider configures to check our checkpoints.
    /// </summary>
    public string VerifierKey => CheckpointVerifier.FormatVerifierKey(KeyName, _subjectPublicKeyInfo);

    /// <summary>Generates a new P-256 key.</summary>
    public static CheckpointSigner Generate(string keyName)
    {
        ECDsa? key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        try
        {
            var signer = new CheckpointSigner(keyName, key);
            key = null;
            return signer;
        }
        finally
        {
            key?.Dispose();
        }
    }

    /// <summary>
    /// Reads a P-256 private key from PEM: <c>PRIVATE KEY</c> (PKCS#8, as <see cref="ExportPrivateKeyPem"/>
    /// writes it) or <c>EC PRIVATE KEY</c> (SEC 1, as <c>openssl ecparam -genkey</c> writes it, after an
    /// <c>EC PARAMETERS</c> block that is skipped).
    /// </summary>
    /// <exception cref="CryptographicException">The text holds no such key, or a key on another curve.</exception>
    public static CheckpointSigner FromPem(string keyName, string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var rest = pem.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var label = rest[fields.Label];
            var pkcs8 = label.SequenceEqual("PRIVATE KEY");
            if (pkcs8 || label.SequenceEqual("EC PRIVATE KEY"))
            {
                var der = new byte[fields.DecodedDataLength];
                try
                {
                    Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out _);
                    return Load(keyName, der, pkcs8);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(der);
                }
            }

            if (!label.SequenceEqual("EC PARAMETERS"))
            {
                throw new CryptographicException($"A checkpoint key is a PRIVATE KEY or EC PRIVATE KEY, not {label}.");
            }

            rest = rest[fields.Location.End..];
        }

        throw new CryptographicException("The text holds no PEM private key.");
    }

    /// <summary>Reads a P-256 private key in PKCS#8 DER.</summary>
    /// <exception cref="CryptographicException">It is not a PKCS#8 EC private key on P-256.</exception>
    public static CheckpointSigner FromPkcs8(string keyName, ReadOnlySpan<byte> pkcs8) => Load(keyName, pkcs8, isPkcs8: true);

    /// <summary>The private key as PKCS#8 PEM, to store a generated key outside the database.</summary>
    public string ExportPrivateKeyPem() => _key.ExportPkcs8PrivateKeyPem();

    /// <summary>The public key as SubjectPublicKeyInfo PEM.</summary>
    public string ExportPublicKeyPem() => PemEncoding.WriteString("PUBLIC KEY", _subjectPublicKeyInfo);

    /// <summary>The public key as DER SubjectPublicKeyInfo.</summary>
    public byte[] ExportSubjectPublicKeyInfo() => (byte[])_subjectPublicKeyInfo.Clone();

    /// <summary>A verifier holding only this signer's public key, for checkpoints of <paramref name="origin"/>.</summary>
    public CheckpointVerifier CreateVerifier(string origin) =>
        CheckpointVerifier.FromSubjectPublicKeyInfo(origin, KeyName, _subjectPublicKeyInfo);

    /// <summary>Signs the checkpoint and returns the whole signed note: text, blank line, one signature line.</summary>
    public string Sign(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var text = checkpoint.ToNoteText();
        byte[] signature;
        lock (_lock)
        {
            signature = _key.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }

        var blob = new byte[4 + signature.Length];
        BinaryPrimitives.WriteUInt32BigEndian(blob, KeyId);
        signature.CopyTo(blob, 4);
        return $"{text}\n{NoteText.SignaturePrefix}{KeyName} {Convert.ToBase64String(blob)}\n";
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _key.Dispose();
        }
    }

    private static CheckpointSigner Load(string keyName, ReadOnlySpan<byte> der, bool isPkcs8)
    {
        ECDsa? key = ECDsa.Create();
        try
        {
            if (isPkcs8)
            {
                key.ImportPkcs8PrivateKey(der, out _);
            }
            else
            {
                key.ImportECPrivateKey(der, out _);
            }

            var signer = new CheckpointSigner(keyName, key);
            key = null;
            return signer;
        }
        finally
        {
            key?.Dispose();
        }
    }
}
