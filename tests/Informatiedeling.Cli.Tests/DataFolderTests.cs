using Informatiedeling.AccessLog.Checkpoints;
using Informatiedeling.Testing;

namespace Informatiedeling.Cli.Tests;

/// <summary>
/// infodeel, run as an operator runs it (a process in some folder, no options): it finds the hub's data folder or
/// says where it looked and what to pass; no command but <c>db migrate</c> creates a database, key store,
/// certificate or signing key.
/// </summary>
public sealed class DataFolderTests
{
    private static readonly string Infodeel = RepositoryPaths.Program("Informatiedeling.Cli", "infodeel");

    /// <summary>
    /// The hub's settings that the test runner's environment holds, blanked (the tool takes a blank one for unset),
    /// so that they cannot point the tool anywhere.
    /// </summary>
    private static readonly Dictionary<string, string> NoSettings = new[]
        {
            "Storage__DataDirectory", "Storage__Provider", "ConnectionStrings__Hub", "ConnectionStrings__Keys", "Keys__CertificatePath", "AccessLog__SigningKeyPath",
        }
        .Where(name => Environment.GetEnvironmentVariable(name) is not null)
        .ToDictionary(name => name, _ => "", StringComparer.Ordinal);

    public static TheoryData<string[]> ReadingCommands => new()
    {
        new[] { "log", "verify" },
        new[] { "log", "checkpoint" },
        new[] { "log", "proof", "--seq", "0" },
        new[] { "retention", "run", "--dry-run" },
        new[] { "retention", "run" },
        new[] { "keys", "rotate" },
        new[] { "keys", "rotate-case", "--case", "cs-0123456789abcdefghjkmnpqrs", "--category", "statisch" },
    };

    [Theory]
    [MemberData(nameof(ReadingCommands))]
    public async Task Run_in_an_empty_folder_a_command_creates_nothing_and_says_where_it_looked(string[] command)
    {
        var folder = Informatiedeling.Testing.TestRun.CreateTempSubdirectory("infodeel-empty-").FullName;
        try
        {
            var result = await ProgramRun.RunAsync(Infodeel, command, NoSettings, workingDirectory: folder);

            Assert.NotEqual(0, result.ExitCode);
            var message = result.Error.Trim();
            Assert.DoesNotContain('\n', message);
            Assert.Contains(Path.Combine(folder, "data"), message, StringComparison.Ordinal);
            Assert.Contains(Path.Combine(folder, "src", "Informatiedeling.Hub", "data"), message, StringComparison.Ordinal);
            Assert.Contains("--data", message, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task From_the_checkout_root_the_commands_find_the_data_folder_of_the_hub_run_there()
    {
        var root = Informatiedeling.Testing.TestRun.CreateTempSubdirectory("infodeel-checkout-").FullName;
        var hubData = Path.Combine(root, "src", "Informatiedeling.Hub", "data");
        try
        {
            // What `dotnet run --project src/Informatiedeling.Hub` leaves there: the databases, the certificate, the signing key.
            var migrate = await ProgramRun.RunAsync(Infodeel, ["db", "migrate", "--data", hubData], NoSettings, workingDirectory: root);
            Assert.True(migrate.ExitCode == 0, migrate.Error);
            using (var signer = CheckpointSigner.Generate("informatiedeling-toegangslog"))
            {
                await File.WriteAllTextAsync(Path.Combine(hubData, "toegangslog-signing.pem"), signer.ExportPrivateKeyPem());
            }

            var before = Snapshot(hubData);
            var verify = await ProgramRun.RunAsync(Infodeel, ["log", "verify"], NoSettings, workingDirectory: root);
            Assert.True(verify.ExitCode == 0, verify.Error);
            Assert.Contains("verified 0 records", verify.Output, StringComparison.Ordinal);

            var dryRun = await ProgramRun.RunAsync(
                Infodeel, ["retention", "run", "--dry-run", "--policies", RepositoryPaths.Policies, "--convenant", RepositoryPaths.Convenant], NoSettings, workingDirectory: root);
            Assert.True(dryRun.ExitCode == 0, dryRun.Error);
            Assert.Contains("nothing destroyed", dryRun.Output, StringComparison.Ordinal);

            Assert.False(Directory.Exists(Path.Combine(root, "data")));
            Assert.Equal(before, Snapshot(hubData));

            // A folder named but not there is not made either.
            var elsewhere = Path.Combine(root, "elsewhere");
            var named = await ProgramRun.RunAsync(Infodeel, ["log", "verify", "--data", elsewhere], NoSettings, workingDirectory: root);
            Assert.Equal(2, named.ExitCode);
            Assert.Contains($"'{elsewhere}' does not exist", named.Error, StringComparison.Ordinal);
            Assert.False(Directory.Exists(elsewhere));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_data_folder_without_the_hubs_database_or_certificate_is_refused_without_creating_them()
    {
        var data = Informatiedeling.Testing.TestRun.CreateTempSubdirectory("infodeel-other-").FullName;
        try
        {
            var verify = await ProgramRun.RunAsync(Infodeel, ["log", "verify", "--data", data], NoSettings, workingDirectory: data);
            Assert.Equal(2, verify.ExitCode);
            Assert.Contains("informatiedeling.db' does not exist", verify.Error, StringComparison.Ordinal);

            var migrate = await ProgramRun.RunAsync(Infodeel, ["db", "migrate", "--data", data], NoSettings, workingDirectory: data);
            Assert.True(migrate.ExitCode == 0, migrate.Error);
            File.Delete(Path.Combine(data, "keyring-protection.pfx"));
            var rotate = await ProgramRun.RunAsync(Infodeel, ["keys", "rotate", "--data", data], NoSettings, workingDirectory: data);
            Assert.Equal(2, rotate.ExitCode);
            Assert.Contains("keyring-protection.pfx' does not exist", rotate.Error, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(data, "keyring-protection.pfx")));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Db_migrate_is_the_command_that_creates_a_data_folder()
    {
        var folder = Informatiedeling.Testing.TestRun.CreateTempSubdirectory("infodeel-new-").FullName;
        try
        {
            var migrate = await ProgramRun.RunAsync(Infodeel, ["db", "migrate"], NoSettings, workingDirectory: folder);
            Assert.True(migrate.ExitCode == 0, migrate.Error);
            Assert.True(File.Exists(Path.Combine(folder, "data", "informatiedeling.db")));
            Assert.True(File.Exists(Path.Combine(folder, "data", "keys.db")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The files of a data folder, without SQLite's journal files and the lock files that come and go with use.</summary>
    private static List<string> Snapshot(string folder) =>
    [
        .. Directory.EnumerateFiles(folder).Select(Path.GetFileName).OfType<string>()
            .Where(f => !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal) && !f.EndsWith(".lock", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal),
    ];
}
