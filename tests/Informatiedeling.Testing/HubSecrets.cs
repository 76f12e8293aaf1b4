using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Keys;

namespace Informatiedeling.Testing;

/// <summary>
/// The two secrets a hub outside Development refuses to start without: the key-ring certificate and the checkpoint
/// signing key, made explicitly, as an operator makes them with <c>infodeel keys create-certificate</c> and
/// <c>infodeel log create-signing-key</c>.
/// </summary>
public static class HubSecrets
{
    // One pair per test run, written into each hub's folder: an RSA-3072 key per hub would cost a second of CPU each.
    private static readonly Lazy<(byte[] Certificate, byte[] SigningKey)> Template = new(() =>
    {
        var folder = TestRun.CreateTempSubdirectory("infodeel-secrets-").FullName;
        try
        {
            var (certificate, signingKey) = Create(folder);
            return (File.ReadAllBytes(certificate), File.ReadAllBytes(signingKey));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    });

    /// <summary>New secrets in <paramref name="folder"/>, under the names the hub's data folder would give them.</summary>
    public static (string CertificatePath, string SigningKeyPath) Create(string folder)
    {
        var certificate = CertificatePath(folder);
        var signingKey = SigningKeyPath(folder);
        new KeyProtectionSettings(certificate, null).Create();
        CheckpointKeyFile.Create(signingKey);
        return (certificate, signingKey);
    }

    /// <summary>This run's secrets written into <paramref name="folder"/> (cheap; for hubs that share nothing with each other).</summary>
    public static (string CertificatePath, string SigningKeyPath) WriteTo(string folder) =>
        (WriteCertificateTo(folder), WriteSigningKeyTo(folder));

    public static string WriteCertificateTo(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = CertificatePath(folder);
        File.WriteAllBytes(path, Template.Value.Certificate);
        return path;
    }

    public static string WriteSigningKeyTo(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = SigningKeyPath(folder);
        File.WriteAllBytes(path, Template.Value.SigningKey);
        return path;
    }

    public static string CertificatePath(string folder) => Path.Combine(folder, KeyProtectionSettings.DefaultFileName);

    public static string SigningKeyPath(string folder) => Path.Combine(folder, AccessLogSettings.DefaultKeyFileName);
}
