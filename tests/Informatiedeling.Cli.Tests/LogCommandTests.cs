using Informatiedeling.Testing;

namespace Informatiedeling.Cli.Tests;

/// <summary><c>infodeel log</c> on a freshly migrated SQLite database: an empty log verifies, and the tool never mints a signing key of its own.</summary>
public sealed class LogCommandTests
{
    [Fact]
    public async Task An_empty_log_verifies_and_checkpoint_needs_the_hubs_signing_key()
    {
        var data = TestRun.CreateTempSubdirectory("infodeel-cli-log-").FullName;
        try
        {
            Assert.Equal(0, (await Infodeel.RunAsync("", "db", "migrate", "--provider", "sqlite", "--data", data)).ExitCode);
            var key = Path.Combine(data, "elsewhere.pem");
            var checkpoint = await Infodeel.RunAsync("", "log", "checkpoint", "--provider", "sqlite", "--data", data, "--signing-key", key);
            Assert.Equal(2, checkpoint.ExitCode);
            Assert.Contains("does not exist", checkpoint.Error, StringComparison.Ordinal);
            Assert.False(File.Exists(key));

            var verifierKey = "informatiedeling-toegangslog+00000000+AgAA";
            var malformed = await Infodeel.RunAsync("", "log", "verify", "--provider", "sqlite", "--data", data, "--verifier-key", verifierKey);
            Assert.Equal(2, malformed.ExitCode);

            using var signer = Informatiedeling.AccessLog.Checkpoints.CheckpointSigner.Generate("informatiedeling-toegangslog");
            await File.WriteAllTextAsync(key, signer.ExportPrivateKeyPem());
            var verify = await Infodeel.RunAsync("", "log", "verify", "--provider", "sqlite", "--data", data, "--verifier-key", signer.VerifierKey);
            Assert.True(verify.ExitCode == 0, verify.Error);
            Assert.Contains("verified 0 records", verify.Output, StringComparison.Ordinal);

            var exported = await Infodeel.RunAsync("", "log", "checkpoint", "--provider", "sqlite", "--data", data, "--signing-key", key);
            Assert.True(exported.ExitCode == 0, exported.Error);
            Assert.Contains($"verifier key: {signer.VerifierKey}", exported.Output, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }
}
