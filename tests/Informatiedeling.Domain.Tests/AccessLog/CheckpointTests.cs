using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Informatiedeling.AccessLog.Checkpoints;
using Informatiedeling.AccessLog.Merkle;
using static Informatiedeling.Domain.Tests.AccessLog.MerkleVectors;

namespace Informatiedeling.Domain.Tests.AccessLog;

/// <summary>Signed checkpoints: the C2SP formats, interoperability with published notes, and every refusal.</summary>
public sealed class CheckpointTests : IDisposable
{
    private const string Origin = "informatiedeling.example/toegangslog";

    // Real ECDSA (signature type 0x02) checkpoints with their verifier keys, from transparency-dev/formats
    // note/note_verifier_test.go: Sigstore's Rekor log and the Pixel 6 transparency log.
    private const string RekorKey = "rekor.sigstore.dev+c0d23d6a+AjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNhtmPtrWm3U1eQXBogSMdGvXwBcK5AW5i0hrZLOC96l+smGNM7nwZ4QvFK/4sueRoVj//QP22Ni4Qt9DPfkWLc=";
    private const string RekorNote = "Rekor\n798034\nf+7CoKgXKE/tNys9TTXcr/ad6U/K3xvznmzew9y6SP0=\n\n\u2014 rekor.sigstore.dev wNI9ajBEAiARInWIWyCdyG27CO6LPnPekyw20qO0YJfoaPaowGp/XgIgc+qEHS3+GKVClgqq20uDLet7MCoTURUCRdxwWBHHufk=\n";
    private const string PixelKey = "pixel6_transparency_log+91c16e30+AjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABN+4x0Jk1yTwvLFI9A4NDdGZcX0aiWVdWM5XJVy0M4VWD3AvyW5Q6Hs9A0mcDkpUoYgn+KKPNzFC0H3nN3q6JQ8=";
    private const string PixelNote = "DEFAULT\n10\nbsWRucJU5xJPHb5eBdOm6+DM+VelCZBuvtI3sHERJ9Y=\n\n\u2014 pixel6_transparency_log kcFuMDBFAiEAhqMAP8P6qf6QxtUJhzMhbN+MbZ9dwfUHzGQJmffJHtoCIGD0cNe47dHWBoPwYdgBCepB06/+g5O1FmYjXl06owL4\n";

    private readonly CheckpointSigner _signer = CheckpointSigner.Generate(Origin);
    private readonly CheckpointVerifier _verifier;

    public CheckpointTests() => _verifier = _signer.CreateVerifier(Origin);

    public void Dispose()
    {
        _verifier.Dispose();
        _signer.Dispose();
    }

    [Fact]
    public void The_note_text_has_the_tlog_checkpoint_layout()
    {
        Assert.Equal(Origin + "\n3\nrra8/idLcKFPsGel5VeCZNsPqbUa9eC6FZFY8yngbnc=\n", new Checkpoint(Origin, 3, Roots[3]).ToNoteText());
        Assert.Equal(Origin + "\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", new Checkpoint(Origin, 0, MerkleHash.EmptyRoot).ToNoteText());

        var at = new DateTimeOffset(2026, 11, 22, 10, 0, 0, 123, TimeSpan.FromHours(1));
        Assert.Equal(Origin + "\n3\nrra8/idLcKFPsGel5VeCZNsPqbUa9eC6FZFY8yngbnc=\nTimestamp: 1795338000123000000\n",
            new Checkpoint(Origin, 3, Roots[3], at).ToNoteText());
    }

    [Fact]
    public void A_signed_checkpoint_is_a_signed_note_with_a_type_2_signature()
    {
        var checkpoint = new Checkpoint(Origin, 8, Roots[8]);
        var note = _signer.Sign(checkpoint);

        var text = checkpoint.ToNoteText();
        Assert.StartsWith(text + "\n\u2014 " + Origin + " ", note, StringComparison.Ordinal);
        Assert.EndsWith("\n", note, StringComparison.Ordinal);
        var blob = Convert.FromBase64String(note[(text.Length + 3 + Origin.Length + 1)..^1]);

        // Key ID: the first four bytes of SHA-256 over the SubjectPublicKeyInfo, big-endian.
        var spki = _signer.ExportSubjectPublicKeyInfo();
        Assert.Equal(SHA256.HashData(spki)[..4], blob[..4]);
        Assert.Equal(_signer.KeyId, BinaryPrimitives.ReadUInt32BigEndian(blob));

        // The rest: an ASN.1 DER ECDSA P-256 signature over SHA-256 of the note text, checked here without our verifier.
        using var publicKey = ECDsa.Create();
        publicKey.ImportSubjectPublicKeyInfo(spki, out _);
        Assert.True(publicKey.VerifyData(Encoding.UTF8.GetBytes(text), blob[4..], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public void Signed_checkpoints_verify_and_read_back_equal()
    {
        var at = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero).AddTicks(1234567);
        foreach (var checkpoint in new[]
                 {
                     new Checkpoint(Origin, 0, MerkleHash.EmptyRoot),
                     new Checkpoint(Origin, 8, Roots[8]),
                     new Checkpoint(Origin, long.MaxValue, Roots[5], at),
                 })
        {
            var result = _verifier.Verify(_signer.Sign(checkpoint));
            Assert.True(result.IsVerified, result.Reason);
            Assert.Equal(CheckpointStatus.Verified, result.Status);
            Assert.Equal(checkpoint, result.Checkpoint);
            Assert.Equal(checkpoint.RootHash.ToArray(), result.Checkpoint.RootHash.ToArray());

            var bytes = _verifier.Verify(Encoding.UTF8.GetBytes(_signer.Sign(checkpoint)));
            Assert.True(bytes.IsVerified, bytes.Reason);
        }
    }

    [Theory]
    [InlineData(RekorKey, "Rekor", RekorNote, 798034, "7feec2a0a817284fed372b3d4d35dcaff69de94fcadf1bf39e6cdec3dcba48fd")]
    [InlineData(PixelKey, "DEFAULT", PixelNote, 10, "6ec591b9c254e7124f1dbe5e05d3a6ebe0ccf957a509906ebed237b0711127d6")]
    public void Published_ecdsa_checkpoints_of_other_logs_verify(string verifierKey, string origin, string note, long size, string root)
    {
        using var verifier = CheckpointVerifier.FromVerifierKey(origin, verifierKey);
        var result = verifier.Verify(note);
        Assert.True(result.IsVerified, result.Reason);
        Assert.Equal(size, result.Checkpoint.Size);
        Assert.Equal(Convert.FromHexString(root), result.Checkpoint.RootHash.ToArray());

        var altered = note.Replace($"\n{size}\n", $"\n{size + 1}\n", StringComparison.Ordinal);
        Assert.Equal(CheckpointStatus.SignatureInvalid, verifier.Verify(altered).Status);
    }

    [Fact]
    public void Altered_size_root_origin_or_timestamp_fail_the_signature()
    {
        var note = _signer.Sign(new Checkpoint(Origin, 8, Roots[8], DateTimeOffset.UnixEpoch.AddDays(20000)));
        var lines = note.Split('\n');
        string[] altered =
        [
            note.Replace("\n8\n", "\n9\n", StringComparison.Ordinal),
            note.Replace("\n8\n", "\n7\n", StringComparison.Ordinal),
            note.Replace(lines[2], Convert.ToBase64String(Roots[7]), StringComparison.Ordinal),
            note.Replace(lines[3], "Timestamp: 1", StringComparison.Ordinal),
            note.Replace(Origin + "\n", Origin + "x\n", StringComparison.Ordinal),
        ];
        foreach (var text in altered)
        {
            var result = _verifier.Verify(text);
            Assert.Equal(CheckpointStatus.SignatureInvalid, result.Status);
            Assert.Null(result.Checkpoint);
            Assert.Contains("altered", result.Reason, StringComparison.Ordinal);
        }

        // A root with one bit flipped, anywhere.
        for (var bit = 0; bit < 256; bit++)
        {
            var flipped = note.Replace(lines[2], Convert.ToBase64String(InclusionProofTests.Flip(Roots[8], bit)), StringComparison.Ordinal);
            Assert.Equal(CheckpointStatus.SignatureInvalid, _verifier.Verify(flipped).Status);
        }
    }

    [Fact]
    public void A_checkpoint_signed_by_another_key_is_not_accepted()
    {
        var checkpoint = new Checkpoint(Origin, 8, Roots[8]);
        using var impostor = CheckpointSigner.Generate(Origin);
        using var otherName = CheckpointSigner.FromPem("informatiedeling.example/ander", _signer.ExportPrivateKeyPem());

        var byImpostor = _verifier.Verify(impostor.Sign(checkpoint));
        Assert.Equal(CheckpointStatus.NotSignedByKey, byImpostor.Status);
        Assert.Contains(Origin, byImpostor.Reason, StringComparison.Ordinal);
        Assert.Equal(CheckpointStatus.NotSignedByKey, _verifier.Verify(otherName.Sign(checkpoint)).Status);

        // The impostor's signature passed off under our key ID: the name and ID match, so it must verify, and does not.
        var forged = impostor.Sign(checkpoint);
        var line = forged[(forged.LastIndexOf(' ') + 1)..^1];
        var blob = Convert.FromBase64String(line);
        BinaryPrimitives.WriteUInt32BigEndian(blob, _signer.KeyId);
        Assert.Equal(CheckpointStatus.SignatureInvalid, _verifier.Verify(forged.Replace(line, Convert.ToBase64String(blob), StringComparison.Ordinal)).Status);
    }

    [Fact]
    public void A_checkpoint_of_another_log_is_refused_even_when_properly_signed()
    {
        var result = _verifier.Verify(_signer.Sign(new Checkpoint("informatiedeling.example/test", 8, Roots[8])));
        Assert.Equal(CheckpointStatus.WrongOrigin, result.Status);
        Assert.Null(result.Checkpoint);
    }

    [Fact]
    public void Signatures_of_other_keys_are_ignored_but_a_failing_trusted_one_refuses_the_note()
    {
        var note = _signer.Sign(new Checkpoint(Origin, 8, Roots[8]));
        using var witness = CheckpointSigner.Generate("getuige.example/w1");
        var cosigned = witness.Sign(new Checkpoint(Origin, 8, Roots[8]));
        var witnessLine = cosigned[(cosigned.LastIndexOf('\u2014'))..];

        // A witness cosignature and a large post-quantum-sized signature by an unknown key, before and after ours.
        var large = $"\u2014 pq.example/key {Convert.ToBase64String(new byte[4700])}\n";
        Assert.True(_verifier.Verify(note + witnessLine + large).IsVerified);
        var text = note[..(note.IndexOf("\n\n", StringComparison.Ordinal) + 2)];
        Assert.True(_verifier.Verify(text + large + witnessLine + note[text.Length..]).IsVerified);

        // Our name and key ID on a second, broken signature: the whole note is refused.
        var ours = note[text.Length..];
        var broken = ours.Replace(ours[^6..^1], ours[^6..^1] == "AAAAA" ? "BBBBB" : "AAAAA", StringComparison.Ordinal);
        Assert.NotEqual(CheckpointStatus.Verified, _verifier.Verify(note + broken).Status);
    }

    public static TheoryData<string, string> MalformedNotes => new()
    {
        { "", "empty" },
        { "no signatures\n", "no blank line" },
        { Origin + "\n8\nXYZ=\n\n", "no signature lines" },
        { Origin + "\n8\nXYZ=\n\n\u2014 k AAAAAAAA", "no final newline" },
        { Origin + "\r\n8\r\nXYZ=\r\n\r\n\u2014 k AAAAAAAA\r\n", "carriage returns" },
        { Origin + "\n8\n\tXYZ=\n\n\u2014 k AAAAAAAA\n", "tab" },
        { Origin + "\n8\nXYZ=\n\n- k AAAAAAAA\n", "hyphen for em dash" },
        { Origin + "\n8\nXYZ=\n\n\u2014k AAAAAAAA\n", "no space after the dash" },
        { Origin + "\n8\nXYZ=\n\n\u2014 k+1 AAAAAAAA\n", "plus in key name" },
        { Origin + "\n8\nXYZ=\n\n\u2014 k  AAAAAAAA\n", "two spaces" },
        { Origin + "\n8\nXYZ=\n\n\u2014 k AAAAAAAA extra\n", "three fields" },
        { Origin + "\n8\nXYZ=\n\n\u2014 k AAAAAA==\n", "signature shorter than a key ID and a byte" },
        { Origin + "\n8\nXYZ=\n\n\u2014 k AAAAAAA\n", "signature base64 without padding" },
        { Origin + "\n8\nXYZ=\n\n\u2014 k AAAAAAF=\n", "non-canonical base64 (trailing bits)" },
        { Origin + "\n8\nXYZ=\n\n\u2014 k AAAA AAAA\n", "space inside the signature" },
        { Origin + "\n8\nXYZ=\n\n\u2014 k !!!!!!!!\n", "not base64" },
        { Origin + "\n8\nXYZ=\n\n\u2014 \u00a0 AAAAAAAA\n", "a key name of only a no-break space" },
    };

    [Theory]
    [MemberData(nameof(MalformedNotes))]
    public void Malformed_notes_are_refused_with_a_reason(string note, string what)
    {
        var result = _verifier.Verify(note);
        Assert.True(result.Status == CheckpointStatus.Malformed, $"{what}: {result.Status} {result.Reason}");
        Assert.False(string.IsNullOrEmpty(result.Reason));
        Assert.Null(result.Checkpoint);
    }

    [Fact]
    public void Invalid_utf8_null_oversized_and_overfull_notes_are_refused()
    {
        Assert.Equal(CheckpointStatus.Malformed, _verifier.Verify((string?)null).Status);
        var signed = _signer.Sign(new Checkpoint(Origin, 8, Roots[8]));
        Assert.Equal(CheckpointStatus.Malformed, _verifier.Verify(signed + "\u2014 k\ud800 AAAAAAAA\n").Status);
        Assert.Equal(CheckpointStatus.Malformed, _verifier.Verify("\udc00" + signed).Status);
        var note = Encoding.UTF8.GetBytes(_signer.Sign(new Checkpoint(Origin, 8, Roots[8])));
        note[2] = 0xff;
        Assert.Equal(CheckpointStatus.Malformed, _verifier.Verify(note).Status);

        var valid = _signer.Sign(new Checkpoint(Origin, 8, Roots[8]));
        var padding = $"\u2014 other.example/key {Convert.ToBase64String(new byte[100_000])}\n";
        Assert.Equal(CheckpointStatus.Malformed, _verifier.Verify(valid + padding + padding).Status);

        var many = string.Concat(Enumerable.Repeat("\u2014 other.example/key AAAAAAAA\n", CheckpointVerifier.MaxSignatures));
        Assert.True(_verifier.Verify(valid + many[..(many.Length / 2)]).IsVerified);
        Assert.Equal(CheckpointStatus.Malformed, _verifier.Verify(valid + many).Status);
    }

    public static TheoryData<string, string> MalformedBodies => new()
    {
        { "\n8\nROOT\n", "empty origin" },
        { Origin + "\n08\nROOT\n", "leading zero" },
        { Origin + "\n-8\nROOT\n", "negative size" },
        { Origin + "\n+8\nROOT\n", "signed size" },
        { Origin + "\n 8\nROOT\n", "space before size" },
        { Origin + "\n8.0\nROOT\n", "decimal point" },
        { Origin + "\n9223372036854775808\nROOT\n", "size overflows" },
        { Origin + "\n\u0668\nROOT\n", "non-ASCII digit" },
        { Origin + "\n8\nrra8/idLcKFPsGel5VeCZNsPqbUa9eC6FZFY8yngbg==\n", "31-byte root" },
        { Origin + "\n8\nrra8/idLcKFPsGel5VeCZNsPqbUa9eC6FZFY8yngbncA\n", "33-byte root" },
        { Origin + "\n8\nrra8/idLcKFPsGel5VeCZNsPqbUa9eC6FZFY8yngbnd=\n", "non-canonical root base64" },
        { Origin + "\n8\n" + "rra8_idLcKFPsGel5VeCZNsPqbUa9eC6FZFY8yngbnc=\n", "url-safe base64" },
        { Origin + "\n8\n", "no root line" },
        { Origin + "\n8\nROOT\nTimestamp: 01\n", "timestamp with leading zero" },
        { Origin + "\n8\nROOT\nTijd: 1\n", "unknown extension line" },
        { Origin + "\n8\nROOT\nTimestamp: 1\nTimestamp: 2\n", "two extension lines" },
        { Origin + "\n\n8\nROOT\n", "empty line in the text" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public void Properly_signed_text_that_is_no_checkpoint_is_refused(string body, string what)
    {
        // Signed with the trusted key, so only the checkpoint text itself can be at fault.
        var text = body.Replace("ROOT", Convert.ToBase64String(Roots[8]), StringComparison.Ordinal);
        var result = _verifier.Verify(SignRaw(text));
        Assert.True(result.Status == CheckpointStatus.Malformed, $"{what}: {result.Status} {result.Reason}");
        Assert.Null(result.Checkpoint);
    }

    [Fact]
    public void A_key_round_trips_through_pem_and_the_verifier_key()
    {
        using var reloaded = CheckpointSigner.FromPem(Origin, _signer.ExportPrivateKeyPem());
        Assert.Equal(_signer.KeyId, reloaded.KeyId);
        Assert.Equal(_signer.VerifierKey, reloaded.VerifierKey);
        Assert.True(_verifier.Verify(reloaded.Sign(new Checkpoint(Origin, 1, Roots[1]))).IsVerified);

        using var pkcs8 = CheckpointSigner.FromPkcs8(Origin, Pkcs8(_signer));
        Assert.Equal(_signer.KeyId, pkcs8.KeyId);

        var parts = _signer.VerifierKey.Split('+', 3);
        Assert.Equal(Origin, parts[0]);
        Assert.Equal(_signer.KeyId.ToString("x8", System.Globalization.CultureInfo.InvariantCulture), parts[1]);
        Assert.Equal([0x02, .. _signer.ExportSubjectPublicKeyInfo()], Convert.FromBase64String(parts[2]));

        var note = _signer.Sign(new Checkpoint(Origin, 2, Roots[2]));
        using var fromKey = CheckpointVerifier.FromVerifierKey(Origin, _signer.VerifierKey);
        using var fromPem = CheckpointVerifier.FromPublicKeyPem(Origin, Origin, _signer.ExportPublicKeyPem());
        Assert.True(fromKey.Verify(note).IsVerified);
        Assert.True(fromPem.Verify(note).IsVerified);
        Assert.Equal(_signer.KeyId, fromKey.KeyId);
    }

    [Fact]
    public void An_openssl_style_sec1_key_with_its_parameters_block_is_read()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" + key.ExportECPrivateKeyPem();
        using var signer = CheckpointSigner.FromPem(Origin, pem);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), signer.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void Keys_that_cannot_sign_checkpoints_are_refused()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa = RSA.Create(2048);
        Assert.Throws<CryptographicException>(() => CheckpointSigner.FromPem(Origin, p384.ExportPkcs8PrivateKeyPem()));
        Assert.Throws<CryptographicException>(() => CheckpointSigner.FromPem(Origin, rsa.ExportPkcs8PrivateKeyPem()));
        Assert.Throws<CryptographicException>(() => CheckpointSigner.FromPem(Origin, _signer.ExportPublicKeyPem()));
        Assert.Throws<CryptographicException>(() => CheckpointSigner.FromPem(Origin, "not a key"));
        Assert.Throws<CryptographicException>(() => CheckpointSigner.FromPkcs8(Origin, [1, 2, 3]));
        Assert.Throws<CryptographicException>(() => CheckpointVerifier.FromSubjectPublicKeyInfo(Origin, Origin, p384.ExportSubjectPublicKeyInfo()));
        Assert.Throws<CryptographicException>(() => CheckpointVerifier.FromPublicKeyPem(Origin, Origin, _signer.ExportPrivateKeyPem()));

        foreach (var name in new[] { "", "met spatie", "a+b", "regel\neinde", "tab\t" })
        {
            Assert.Throws<ArgumentException>(() => CheckpointSigner.Generate(name));
        }
    }

    [Fact]
    public void Malformed_verifier_keys_are_refused()
    {
        var (name, id, key) = (_signer.VerifierKey.Split('+', 3)[0], _signer.VerifierKey.Split('+', 3)[1], _signer.VerifierKey.Split('+', 3)[2]);
        var type1 = Convert.ToBase64String([0x01, .. Convert.FromBase64String(key)[1..]]);
        foreach (var bad in new[] { name + "+" + id, name + "+00000000+" + key, name + "+" + id + "x+" + key, name + "+" + id + "+" + type1, name + "+" + id + "+!!!!", "a b+" + id + "+" + key })
        {
            Assert.Throws<FormatException>(() => CheckpointVerifier.FromVerifierKey(Origin, bad));
        }
    }

    [Fact]
    public void Checkpoints_refuse_impossible_values()
    {
        Assert.Throws<ArgumentException>(() => new Checkpoint("", 1, Roots[1]));
        Assert.Throws<ArgumentException>(() => new Checkpoint("a\nb", 1, Roots[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Checkpoint(Origin, -1, Roots[1]));
        Assert.Throws<ArgumentException>(() => new Checkpoint(Origin, 1, Roots[1].AsSpan(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Checkpoint(Origin, 1, Roots[1], DateTimeOffset.UnixEpoch.AddTicks(-1)));
    }

    [Fact]
    public void Signing_from_many_threads_gives_valid_signatures()
    {
        var notes = new string[200];
        Parallel.For(0, notes.Length, i => notes[i] = _signer.Sign(new Checkpoint(Origin, i, Roots[i % Roots.Length])));
        Assert.All(notes, n => Assert.True(_verifier.Verify(n).IsVerified));
    }

    private string SignRaw(string text)
    {
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(Pkcs8(_signer), out _);
        var signature = key.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var blob = new byte[4 + signature.Length];
        BinaryPrimitives.WriteUInt32BigEndian(blob, _signer.KeyId);
        signature.CopyTo(blob, 4);
        return $"{text}\n\u2014 {Origin} {Convert.ToBase64String(blob)}\n";
    }

    private static byte[] Pkcs8(CheckpointSigner signer)
    {
        var pem = signer.ExportPrivateKeyPem();
        var fields = PemEncoding.Find(pem);
        return Convert.FromBase64String(pem[fields.Base64Data]);
    }
}
