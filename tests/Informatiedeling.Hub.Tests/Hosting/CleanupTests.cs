using System.Globalization;
using Informatiedeling.Testing;

namespace Informatiedeling.Hub.Tests.Hosting;

/// <summary>
/// A test run stops and removes what it started — PostgreSQL servers, hub data folders, key files — whether its tests
/// pass, fail, or the test host dies without running any clean-up code. Each case runs <see cref="CleanupProbe"/> in a
/// test run of its own and looks afterwards for what that run left.
/// </summary>
public sealed class CleanupTests
{
    [Theory]
    [InlineData("pass")]
    [InlineData("fail")]
    [InlineData("crash")]
    public async Task A_test_run_leaves_no_server_and_no_folder_behind(string ending)
    {
        var report = Path.Combine(TestRun.CreateTempSubdirectory("infodeel-probe-").FullName, "report.txt");
        var run = await ProgramRun.RunAsync(
            "test",
            [typeof(CleanupProbe).Assembly.Location, "--filter", $"FullyQualifiedName={typeof(CleanupProbe).FullName}.{nameof(CleanupProbe.Starts_servers_and_folders_then_ends_as_told)}"],
            new Dictionary<string, string> { [CleanupProbe.EndingVariable] = ending, [CleanupProbe.ReportVariable] = report },
            workingDirectory: RepositoryPaths.Root,
            timeout: TimeSpan.FromMinutes(3));
        Assert.True((run.ExitCode == 0) == (ending == "pass"), $"exit {run.ExitCode}: {run.Output} {run.Error}");

        var lines = await File.ReadAllLinesAsync(report);
        var root = Assert.Single(lines, l => l.StartsWith("root ", StringComparison.Ordinal))[5..];
        var servers = lines.Where(l => l.StartsWith("postgres ", StringComparison.Ordinal)).Select(l => int.Parse(l[9..], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(2, servers.Count);

        // The janitor works after the test process has gone; give it a moment.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((servers.Any(Running) || Directory.Exists(root)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.All(servers, pid => Assert.False(Running(pid), $"postgres {pid} of the probe's run still runs"));
        Assert.False(Directory.Exists(root), $"the probe's run left {root}: {string.Join(", ", Directory.Exists(root) ? Directory.EnumerateFileSystemEntries(root) : [])}");
    }

    private static bool Running(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("postgres", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}

/// <summary>
/// Not a test of the hub: the run that <see cref="CleanupTests"/> starts. In any other run it returns at once. It
/// starts what tests start — the shared PostgreSQL server, one of its own, a hub with its data folder, a shared
/// key-ring certificate — disposes none of it, as a failing test would not, and then ends as told.
/// </summary>
public sealed class CleanupProbe
{
    public const string EndingVariable = "INFODEEL_CLEANUP_PROBE_ENDING";
    public const string ReportVariable = "INFODEEL_CLEANUP_PROBE_REPORT";

    [Fact]
    public async Task Starts_servers_and_folders_then_ends_as_told()
    {
        if (Environment.GetEnvironmentVariable(EndingVariable) is not { } ending || Environment.GetEnvironmentVariable(ReportVariable) is not { } report)
        {
            return;
        }

        var shared = await PostgresServer.SharedAsync();
        var own = await PostgresServer.StartAsync(durable: false);
#pragma warning disable CA2000 // Left running on purpose: the run must clean up what a failed test leaves.
        var hub = await HubFactory.OnPostgresAsync(certificatePath: HubFactory.SharedCertificatePath());
#pragma warning restore CA2000
        _ = hub.Server;
        await File.WriteAllLinesAsync(report,
        [
            $"root {TestRun.Root}",
            $"postgres {PostmasterPid(shared)}",
            $"postgres {PostmasterPid(own)}",
            $"folder {hub.DataDirectory}",
        ]);

        switch (ending)
        {
            case "fail":
                Assert.Fail("The probe fails, as told.");
                break;
            case "crash":
                // As a stack overflow or a kill by the test platform: no finally, no ProcessExit handler runs.
                Environment.FailFast("The probe ends its test host, as told.");
                break;
        }
    }

    private static int PostmasterPid(PostgresServer server) =>
        int.Parse(File.ReadLines(Path.Combine(server.DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
}
