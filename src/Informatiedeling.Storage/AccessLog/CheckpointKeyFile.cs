using Informatiedeling.AccessLog.Checkpoints;
using Informatiedeling.Storage.Keys;

namespace Informatiedeling.Storage.AccessLog;

/// <summary>
/// The checkpoint signing key: a PEM file outside the database (a mounted secret in production), so that whoever
/// can rewrite the log's tables cannot sign a new history. A development hub creates it on first start under a
/// file lock; everywhere else it is created once, explicitly (<see cref="Create"/>), and mounted on every instance.
/// </summary>
public static class CheckpointKeyFile
{
    /// <summary>The signer of <paramref name="settings"/>, created first only when <see cref="AccessLogSettings.CreateSigningKeyWhenMissing"/>.</summary>
    /// <exception cref="FileNotFoundException">The key does not exist and may not be created.</exception>
    public static CheckpointSigner Open(AccessLogSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.CreateSigningKeyWhenMissing ? LoadOrCreate(settings.SigningKeyPath) : Load(settings.SigningKeyPath);
    }

    /// <summary>Reads the key; never creates one.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static CheckpointSigner Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The checkpoint signing key '{path}' does not exist.", path);
        }

        return CheckpointSigner.FromPem(AccessLogSettings.KeyName, File.ReadAllText(path));
    }

    public static CheckpointSigner LoadOrCreate(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        using (FileGate.Acquire(path + ".lock"))
        {
            if (!File.Exists(path))
            {
                Write(path);
            }

            return Load(path);
        }
    }

    /// <summary>Creates a new key file, the operator's explicit step; refuses to replace an existing one.</summary>
    /// <returns>The verifier key of the new key, for the partners and witnesses that keep checkpoints.</returns>
    /// <exception cref="IOException">The file exists already.</exception>
    public static string Create(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        using (FileGate.Acquire(path + ".lock"))
        {
            if (File.Exists(path))
            {
                throw new IOException($"'{path}' exists already; checkpoints signed with it would no longer verify if it were replaced.");
            }

            return Write(path);
        }
    }

    private static string Write(string path)
    {
        using var created = CheckpointSigner.Generate(AccessLogSettings.KeyName);
        PrivateFile.Write(path, System.Text.Encoding.ASCII.GetBytes(created.ExportPrivateKeyPem()));
        return created.VerifierKey;
    }

    /// <summary>The verifier of this log's checkpoints, from the signing key (the operator's tool) or a verifier key line.</summary>
    public static CheckpointVerifier Verifier(AccessLogSettings settings, string? verifierKey)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!string.IsNullOrWhiteSpace(verifierKey))
        {
            return CheckpointVerifier.FromVerifierKey(settings.Origin, verifierKey.Trim());
        }

        if (!File.Exists(settings.SigningKeyPath))
        {
            throw new FileNotFoundException($"The checkpoint signing key '{settings.SigningKeyPath}' does not exist; pass the log's verifier key instead.");
        }

        using var signer = CheckpointSigner.FromPem(AccessLogSettings.KeyName, File.ReadAllText(settings.SigningKeyPath));
        return signer.CreateVerifier(settings.Origin);
    }
}
