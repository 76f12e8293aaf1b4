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

    /// <exception cref="CategoryDestroyedException">The case's access-log key was destroyed.</exception>
    public Task<SealedJustification> SealAsync(CasePseudonym pseudonym, Guid recordId, string justification, CancellationToken cancellationToken) =>
        SealAsync(pseudonym, RecordPrefix, recordId, justification, cancellationToken);

    /// <summary>The justification's text, or null when the case's key was destroyed (or the ciphertext does not belong to this record).</summary>
    public Task<string?> OpenAsync(CasePseudonym pseudonym, Guid recordId, SealedJustification sealedText, CancellationToken cancellationToken) =>
        OpenAsync(pseudonym, RecordPrefix, recordId, sealedText, cancellationToken);

    /// <summary>
    /// Seals a privacy officer's note on the review of the record <paramref name="recordId"/>, as its justification is
    /// sealed, bound to the review of that record (a note does not open as the record's justification, nor the other way).
    /// </summary>
    /// <exception cref="CategoryDestroyedException">The case's access-log key was destroyed.</exception>
    public Task<SealedJustification> SealReviewNoteAsync(CasePseudonym pseudonym, Guid recordId, string note, CancellationToken cancellationToken) =>
        SealAsync(pseudonym, ReviewPrefix, recordId, note, cancellationToken);

    /// <summary>The review note's text, or null when the case's key was destroyed or the ciphertext is not this review's.</summary>
    public Task<string?> OpenReviewNoteAsync(CasePseudonym pseudonym, Guid recordId, SealedJustification sealedText, CancellationToken cancellationToken) =>
        OpenAsync(pseudonym, ReviewPrefix, recordId, sealedText, cancellationToken);

    private const string RecordPrefix = "record:";
    private const string ReviewPrefix = "review:";

    private async Task<SealedJustification> SealAsync(CasePseudonym pseudonym, string prefix, Guid recordId, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        var key = await keys.ForWritingAsync(pseudonym.Value, KeyCategory, cancellationToken);
        using var lease = key.Lease();
        return new SealedJustification(key.Id.Version, FieldCipher.Encrypt(lease.Aes, Binding(pseudonym, prefix, recordId, key.Id.Version), Encoding.UTF8.GetBytes(text)));
    }

    private async Task<string?> OpenAsync(CasePseudonym pseudonym, string prefix, Guid recordId, SealedJustification sealedText, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sealedText);
        var lookup = await keys.FindAsync(new CaseKeyId(pseudonym.Value, KeyCategory, sealedText.KeyVersion), cancellationToken);
        if (lookup.Key is not { } key || sealedText.Ciphertext.Length < FieldCipher.Overhead)
        {
            return null;
        }

        var plaintext = new byte[sealedText.Ciphertext.Length - FieldCipher.Overhead];
        using var lease = key.Lease();
        return FieldCipher.TryDecrypt(lease.Aes, Binding(pseudonym, prefix, recordId, sealedText.KeyVersion), sealedText.Ciphertext.Span, plaintext)
            ? Encoding.UTF8.GetString(plaintext)
            : null;
    }

    private static FieldBinding Binding(CasePseudonym pseudonym, string prefix, Guid recordId, int version) =>
        new(pseudonym.Value, prefix + recordId.ToString("N"), KeyCategory, version);
}
