namespace Informatiedeling.Protection;

/// <summary>A data-encryption key as it may be stored: wrapped, with the id of the key-encryption key that wrapped it.</summary>
public sealed record WrappedKey(string KekId, byte[] Blob);

/// <summary>
/// The key-encryption key (KEK): wraps and unwraps data-encryption keys, bound to a context (case, category,
/// version) so a wrapped key cannot be moved. One implementation uses ASP.NET Core Data Protection's key ring;
/// an HSM or cloud KMS fits behind the same interface. The KEK itself never leaves the provider.
/// </summary>
public interface IKeyEncryptionKeyProvider
{
    /// <summary>The id of the KEK that <see cref="Wrap"/> uses now.</summary>
    string CurrentKekId { get; }

    WrappedKey Wrap(ReadOnlySpan<byte> key, string context);

    /// <exception cref="System.Security.Cryptography.CryptographicException">The wrapped key was altered, belongs to another context, or its KEK is gone.</exception>
    byte[] Unwrap(WrappedKey wrapped, string context);

    /// <summary>Makes a new KEK the current one (for rotation) and returns its id once it is in use; earlier KEKs still unwrap.</summary>
    Task<string> RotateAsync(CancellationToken cancellationToken);
}
