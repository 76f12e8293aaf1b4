using Informatiedeling.AccessLog.Checkpoints;
using Informatiedeling.Storage.Keys;

namespace Informatiedeling.Storage.AccessLog;

/// <summary>
/// The checkpoint signing key: a PEM file outside the database (a mounted secret in production), so that whoever
/// can rewrite the log's tables cannot sign a new history. Created on first start under a file lock, so that
/// instances sharing the file agree on one key.
/// </summary>
public static class CheckpointKeyFile
{
    public static CheckpointSigner LoadOrCreate(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        using (FileGate.Acquire(path + ".lock"))
        {
            if (!File.Exists(path))
            {
                using var created = CheckpointSigner.Generate(AccessLogSettings.KeyName);
                var temporary = path + ".new";
                File.WriteAllText(temporary, created.ExportPrivateKeyPem());
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }

                File.Move(temporary, path);
            }

            return CheckpointSigner.FromPem(AccessLogSettings.KeyName, File.ReadAllText(path));
        }
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
