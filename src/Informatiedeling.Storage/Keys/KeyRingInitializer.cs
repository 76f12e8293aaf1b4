using System.Security.Cryptography;
using Informatiedeling.Protection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;

namespace Informatiedeling.Storage.Keys;

/// <summary>
/// Makes sure, once, under the key-store lock, that a key-encryption key and the hub secrets exist. Automatic key
/// generation is off: a naive key ring lets every instance that starts on an empty store mint its own key.
/// </summary>
internal sealed class KeyRingInitializer(
    KeyStoreLock gate,
    IKeyManager keyManager,
    IKeyEncryptionKeyProvider kek,
    IDbContextFactory<KeyStoreDbContext> factory,
    TimeProvider time)
{
    public const string BlindIndexSecret = "blind-index";

    public async Task<BlindIndex> EnsureAsync(CancellationToken cancellationToken)
    {
        await using (await gate.AcquireAsync(cancellationToken))
        {
            var now = time.GetUtcNow();
            if (!keyManager.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now))
            {
                keyManager.CreateNewKey(now, now + DataProtectionKekProvider.KekLifetime);
            }

            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            var secret = await db.Secrets.SingleOrDefaultAsync(s => s.Name == BlindIndexSecret, cancellationToken);
            if (secret is null)
            {
                var key = RandomNumberGenerator.GetBytes(BlindIndex.KeySize);
                var wrapped = kek.Wrap(key, BlindIndexSecret);
                db.Secrets.Add(new HubSecretRow { Name = BlindIndexSecret, KekId = wrapped.KekId, Wrapped = wrapped.Blob });
                await db.SaveChangesAsync(cancellationToken);
                return new BlindIndex(key);
            }

            return new BlindIndex(kek.Unwrap(new WrappedKey(secret.KekId, secret.Wrapped), BlindIndexSecret));
        }
    }
}
