using System.Text;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Protection;
using Informatiedeling.Storage.Keys;

namespace Informatiedeling.Storage.AccessLog;

/// <summary>
/// Seals the justification of an emergency release under the case's own access-log key, bound to the record and the
/// case, so that the log holds only ciphertext and destroying the key (crypto-shredding the case) removes the text
/// while the record's leaf, and every proof over it, stays as it was.
/// </summary>
public sealed class AccessLogJustifications(CaseKeyRing keys)
{
    /// <summary>The key category of the access log; not a data category of the convenant.</summary>
    public const string KeyCategory = "toegangslog";

    public async Task<SealedJustification> SealAsync(CasePseudonym pseudonym, Guid recordId, string justification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(justification);
        var key = await keys.ForWritingAsync(pseudonym.Value, KeyCategory, cancellationToken);
        using var lease = key.Lease();
        return new SealedJustification(key.Id.Version, FieldCipher.Encrypt(lease.Aes, Binding(pseudonym, recordId, key.Id.Version), Encoding.UTF8.GetBytes(justification)));
    }

    /// <summary>The justification's text, or null when the case's key was destroyed (or the ciphertext does not belong to this record).</summary>
    public async Task<string?> OpenAsync(CasePseudonym pseudonym, Guid recordId, SealedJustification sealedText, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sealedText);
        var lookup = await keys.FindAsync(new CaseKeyId(pseudonym.Value, KeyCategory, sealedText.KeyVersion), cancellationToken);
        if (lookup.Key is not { } key || sealedText.Ciphertext.Length < FieldCipher.Overhead)
        {
            return null;
        }

        var plaintext = new byte[sealedText.Ciphertext.Length - FieldCipher.Overhead];
        using var lease = key.Lease();
        return FieldCipher.TryDecrypt(lease.Aes, Binding(pseudonym, recordId, sealedText.KeyVersion), sealedText.Ciphertext.Span, plaintext)
            ? Encoding.UTF8.GetString(plaintext)
            : null;
    }

    private static FieldBinding Binding(CasePseudonym pseudonym, Guid recordId, int version) =>
        new(pseudonym.Value, "record:" + recordId.ToString("N"), KeyCategory, version);
}
