using System.Text;
using Informatiedeling.Cases;
using Informatiedeling.Protection;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Keys;

namespace Informatiedeling.Storage.Retention;

/// <summary>A legal hold's reason as it is stored: ciphertext under version <see cref="KeyVersion"/> of the case's access-log key.</summary>
public sealed record SealedReason(int KeyVersion, byte[] Ciphertext);

/// <summary>
/// Seals the free-text reason of a legal hold (it may name suspects or victims) under the case's own access-log
/// key, as <see cref="AccessLogJustifications"/> seals an emergency justification, bound to the hold and the case:
/// a ciphertext moved to another hold or case does not open, and destroying the key shreds the reason.
/// </summary>
public sealed class LegalHoldReasons(CaseKeyRing keys)
{
    /// <exception cref="CategoryDestroyedException">The case's access-log key was destroyed.</exception>
    public async Task<SealedReason> SealAsync(CasePseudonym pseudonym, Guid holdId, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var key = await keys.ForWritingAsync(pseudonym.Value, AccessLogJustifications.KeyCategory, cancellationToken);
        using var lease = key.Lease();
        return new SealedReason(key.Id.Version, FieldCipher.Encrypt(lease.Aes, Binding(pseudonym, holdId, key.Id.Version), Encoding.UTF8.GetBytes(reason)));
    }

    /// <summary>The reason's text, or null when the case's key was destroyed or the ciphertext is not this hold's.</summary>
    public async Task<string?> OpenAsync(CasePseudonym pseudonym, Guid holdId, SealedReason reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var lookup = await keys.FindAsync(new CaseKeyId(pseudonym.Value, AccessLogJustifications.KeyCategory, reason.KeyVersion), cancellationToken);
        if (lookup.Key is not { } key || reason.Ciphertext.Length < FieldCipher.Overhead)
        {
            return null;
        }

        var plaintext = new byte[reason.Ciphertext.Length - FieldCipher.Overhead];
        using var lease = key.Lease();
        return FieldCipher.TryDecrypt(lease.Aes, Binding(pseudonym, holdId, reason.KeyVersion), reason.Ciphertext, plaintext)
            ? Encoding.UTF8.GetString(plaintext)
            : null;
    }

    private static FieldBinding Binding(CasePseudonym pseudonym, Guid holdId, int version) =>
        new(pseudonym.Value, "legal-hold:" + holdId.ToString("N"), AccessLogJustifications.KeyCategory, version);
}
