using Informatiedeling.AccessLog.Records;
using Informatiedeling.Protection;
using Informatiedeling.Storage.AccessLog;
using Microsoft.EntityFrameworkCore;

namespace Informatiedeling.Storage.Keys;

/// <summary>
/// Rotates the key-encryption key: a new KEK becomes current and every wrapped key (data-encryption keys and
/// hub secrets) is re-wrapped under it. Field ciphertexts are not touched. Each key is re-wrapped in its own
/// short update that only applies if nobody changed the row meanwhile, so the work can be interrupted at any
/// point and resumed: every key stays readable under its old or its new KEK throughout.
/// </summary>
public sealed class KekRotation(IDbContextFactory<KeyStoreDbContext> factory, IKeyEncryptionKeyProvider kek, IAccessLog accessLog, TimeProvider time)
{
    /// <summary>Starts a rotation (a new KEK) unless <paramref name="resumeOnly"/>; then re-wraps everything not under the current KEK.</summary>
    /// <param name="limit">Stop after this many keys (to spread a large rotation over time); run again with <paramref name="resumeOnly"/> to go on.</param>
    public async Task<(string KekId, int Rewrapped)> RotateAsync(
        bool resumeOnly, int batchSize, CancellationToken cancellationToken, int limit = int.MaxValue, string actor = "operator")
    {
        if (!resumeOnly)
        {
            var created = await kek.RotateAsync(cancellationToken);
            await accessLog.AppendAsync(AccessRecord.Administrative(AccessEventKind.KeyRotated, "kek.rotate", $"kek:{created}", actor, time.GetUtcNow()), cancellationToken);
        }

        var current = kek.CurrentKekId;
        var rewrapped = 0;
        while (rewrapped < limit)
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            var batch = await db.CaseKeys.AsNoTracking().Where(k => k.KekId != current).OrderBy(k => k.Case)
                .Take(Math.Min(batchSize, limit - rewrapped)).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var row in batch)
            {
                var context = new CaseKeyId(row.Case, row.Category, row.Version).Context;
                var material = kek.Unwrap(new WrappedKey(row.KekId, row.Wrapped), context);
                var wrapped = kek.Wrap(material, context);
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(material);
                rewrapped += await db.CaseKeys
                    .Where(k => k.Case == row.Case && k.Category == row.Category && k.Version == row.Version && k.KekId == row.KekId)
                    .ExecuteUpdateAsync(u => u.SetProperty(k => k.KekId, wrapped.KekId).SetProperty(k => k.Wrapped, wrapped.Blob), cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        if (rewrapped >= limit)
        {
            return (current, rewrapped);
        }

        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            foreach (var secret in await db.Secrets.Where(s => s.KekId != current).ToListAsync(cancellationToken))
            {
                var material = kek.Unwrap(new WrappedKey(secret.KekId, secret.Wrapped), secret.Name);
                var wrapped = kek.Wrap(material, secret.Name);
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(material);
                secret.KekId = wrapped.KekId;
                secret.Wrapped = wrapped.Blob;
                rewrapped++;
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        return (current, rewrapped);
    }
}
