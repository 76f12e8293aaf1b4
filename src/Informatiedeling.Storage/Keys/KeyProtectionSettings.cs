using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Informatiedeling.Storage.Keys;

/// <summary>
/// The certificate that encrypts the Data Protection key ring at rest. It lives outside every database (a file
/// mounted from a secret store in production), so the key store alone cannot unwrap any key.
/// </summary>
public sealed record KeyProtectionSettings(string CertificatePath, string? CertificatePassword)
{
    public static KeyProtectionSettings Default(string dataDirectory) => new(Path.Combine(dataDirectory, "keyring-protection.pfx"), null);

    /// <summary>Loads the certificate, creating a self-signed one when the file does not exist yet (instances on one volume agree through a file lock).</summary>
    public X509Certificate2 LoadOrCreate()
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(CertificatePath))!;
        Directory.CreateDirectory(directory);
        using var gate = FileGate.Acquire(CertificatePath + ".lock");
        if (!File.Exists(CertificatePath))
        {
            using var rsa = RSA.Create(3072);
            var request = new CertificateRequest("CN=Informatiedeling key ring protection", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
            using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(20));
            var temporary = CertificatePath + ".tmp";
            File.WriteAllBytes(temporary, created.Export(X509ContentType.Pfx, CertificatePassword));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Move(temporary, CertificatePath);
        }

        return X509CertificateLoader.LoadPkcs12FromFile(CertificatePath, CertificatePassword, X509KeyStorageFlags.EphemeralKeySet);
    }
}

/// <summary>An exclusive lock on a file, for agreement between processes that share a folder.</summary>
internal sealed class FileGate : IDisposable
{
    private readonly FileStream _stream;

    private FileGate(FileStream stream) => _stream = stream;

    public static FileGate Acquire(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileGate(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (attempt < 600)
            {
                Thread.Sleep(50);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
