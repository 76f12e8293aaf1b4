using System.Security.Cryptography;
using Informatiedeling.Protection;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace Informatiedeling.Storage.Keys;

/// <summary>
/// The key-encryption key from ASP.NET Core Data Protection's key ring (AES-256-CBC + HMACSHA256, keys in the
/// key store, encrypted there with a certificate held outside any database). The wrapping context (case,
/// category, version) is the protector's purpose, so a wrapped key only unwraps for the context it was made for.
/// </summary>
internal sealed class DataProtectionKekProvider(IDataProtectionProvider provider, IKeyManager keys, TimeProvider time) : IKeyEncryptionKeyProvider
{
    /// <summary>Lifetime of a KEK for new wrapping. Rotation (infodeel keys rotate) normally comes well before.</summary>
    public static readonly TimeSpan KekLifetime = TimeSpan.FromDays(3650);

    private readonly IDataProtector _root = provider.CreateProtector("Informatiedeling.KeyWrapping.v1");

    public string CurrentKekId => KekIdOf(_root.Protect([]));

    public WrappedKey Wrap(ReadOnlySpan<byte> key, string context)
    {
        var blob = _root.CreateProtector(context).Protect(key.ToArray());
        return new WrappedKey(KekIdOf(blob), blob);
    }

    public byte[] Unwrap(WrappedKey wrapped, string context) => _root.CreateProtector(context).Unprotect(wrapped.Blob);

    public async Task<string> RotateAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var created = keys.CreateNewKey(now, now + KekLifetime).KeyId.ToString("N");

        // The key ring is refreshed in the background after a change: wait until wrapping uses the new key.
        for (var waited = TimeSpan.Zero; CurrentKekId != created; waited += RefreshPoll)
        {
            if (waited > RefreshTimeout)
            {
                throw new InvalidOperationException($"The new key-encryption key {created} did not come into use within {RefreshTimeout.TotalSeconds} s.");
            }

            await Task.Delay(RefreshPoll, cancellationToken);
        }

        return created;
    }

    private static readonly TimeSpan RefreshPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan RefreshTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A Data Protection payload starts with a 4-byte magic header and the 16-byte id of the key that protected it.</summary>
    private static string KekIdOf(byte[] payload) =>
        payload.Length >= 20 ? new Guid(payload.AsSpan(4, 16)).ToString("N") : throw new CryptographicException("Not a Data Protection payload.");
}
