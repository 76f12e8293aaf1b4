namespace Informatiedeling.Storage.Keys;

/// <summary>The lock under which instances on one key store mint the first key-encryption key and the hub secrets.</summary>
internal sealed class KeyStoreLock(StorageSettings settings)
{
    private const long AdvisoryKey = 0x696e666f_64656c31; // "infodel1"

    public async Task<IAsyncDisposable> AcquireAsync(CancellationToken cancellationToken) =>
        await DatabaseLock.AcquireAsync(
            settings.Provider, settings.KeyStoreConnectionString, AdvisoryKey, Path.Combine(settings.DataDirectory, "keys.lock"), cancellationToken);
}
