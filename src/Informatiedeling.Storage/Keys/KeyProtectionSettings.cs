using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Informatiedeling.Storage.Keys;

/// <summary>
/// The certificate that encrypts the Data Protection key ring at rest. It lives outside every database (a file
/// mounted from a secret store in production), so the key store alone cannot unwrap any key.
/// </summary>
public sealed record KeyProtectionSettings(string CertificatePath, string? CertificatePassword)
{
    public const string DefaultFileName = "keyring-protection.pfx";

    /// <summary>
    /// Whether <see cref="Open"/> creates the certificate when the file does not exist. Only the data-folder default
    /// of a development hub does: instances that each created their own would each protect the key ring differently,
    /// and a certificate beside the data is in every backup of it.
    /// </summary>
    public bool CreateWhenMissing { get; init; }

    /// <summary>The certificate in the data folder, created on first use: for development and self-contained tools.</summary>
    public static KeyProtectionSettings Default(string dataDirectory) =>
        new(Path.Combine(dataDirectory, DefaultFileName), null) { CreateWhenMissing = true };

    /// <summary>Loads the certificate, or creates it first when <see cref="CreateWhenMissing"/> allows.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist and may not be created.</exception>
    public X509Certificate2 Open() => CreateWhenMissing ? LoadOrCreate() : Load();

    /// <summary>Loads the certificate; never creates one.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public X509Certificate2 Load()
    {
        if (!File.Exists(CertificatePath))
        {
            throw new FileNotFoundException($"The key-ring certificate '{CertificatePath}' does not exist.", CertificatePath);
        }

        return X509CertificateLoader.LoadPkcs12FromFile(CertificatePath, CertificatePassword, X509KeyStorageFlags.EphemeralKeySet);
    }

    /// <summary>Loads the certificate, creating a self-signed one when the file does not exist yet (instances on one volume agree through a file lock).</summary>
    public X509Certificate2 LoadOrCreate()
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(CertificatePath))!;
        Directory.CreateDirectory(directory);
        using var gate = FileGate.Acquire(CertificatePath + ".lock");
        if (!File.Exists(CertificatePath))
        {
            Write();
        }

        return Load();
    }

    /// <summary>Creates the certificate file, the operator's explicit step; refuses to replace an existing one.</summary>
    /// <exception cref="IOException">The file exists already.</exception>
    public void Create()
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(CertificatePath))!;
        Directory.CreateDirectory(directory);
        using var gate = FileGate.Acquire(CertificatePath + ".lock");
        if (File.Exists(CertificatePath))
        {
            throw new IOException($"'{CertificatePath}' exists already; a key ring made with it would become unreadable if it were replaced.");
        }

        Write();
    }

    private void Write()
    {
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=Informatiedeling key ring protection", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(20));
        PrivateFile.Write(CertificatePath, created.Export(X509ContentType.Pfx, CertificatePassword));
    }
}

/// <summary>Writes a secret file readable by its owner only, whole or not at all.</summary>
internal static class PrivateFile
{
    public static void Write(string path, byte[] content)
    {
        var temporary = path + ".new";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Created owner-only, never readable by others for a moment.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path);
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
