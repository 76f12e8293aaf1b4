using System.Net;
using System.Net.Sockets;
using Informatiedeling.Testing;

namespace Informatiedeling.Hub.Tests.Hosting;

/// <summary>
/// A misconfigured hub stops at start-up with one clear line on standard error that says what is wrong and how
/// to fix it: no stack trace, no secret. These run the built hub as a real process, as an operator would.
/// </summary>
public sealed class BadConfigurationTests
{
    private static readonly string HubAssembly = RepositoryPaths.Program("Informatiedeling.Hub", "Informatiedeling.Hub");

    [Fact]
    public async Task Unknown_storage_provider_stops_start_up_with_one_line()
    {
        var result = await StartHubAsync(new() { ["Storage__Provider"] = "mysql" });

        Assert.Equal(2, result.ExitCode);
        var line = SingleLine(result.Error);
        Assert.StartsWith("Informatiedeling cannot start: Storage:Provider 'mysql' is unknown.", line, StringComparison.Ordinal);
        Assert.Contains("'sqlite'", line, StringComparison.Ordinal);
        Assert.Contains("'postgresql'", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_database_stops_start_up_with_one_line_and_no_password()
    {
        var port = ClosedPort();
        var result = await StartHubAsync(new()
        {
            ["Storage__Provider"] = "postgresql",
            ["ConnectionStrings__Hub"] = $"Host=127.0.0.1;Port={port};Database=hub;Username=hub;Password=s3cret-Pa55;Timeout=5",
        });

        Assert.Equal(2, result.ExitCode);
        var line = SingleLine(result.Error);
        Assert.StartsWith($"Informatiedeling cannot start: The database (PostgreSQL at 127.0.0.1:{port}, database 'hub') cannot be used", line, StringComparison.Ordinal);
        Assert.Contains("Check ConnectionStrings:Hub", line, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-Pa55", result.Error + result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_access_log_signing_key_stops_start_up_with_one_line()
    {
        var folder = TestRun.CreateTempSubdirectory("infodeel-badkey-").FullName;
        var key = Path.Combine(folder, "toegangslog-signing.pem");
        await File.WriteAllTextAsync(key, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        var result = await StartHubAsync(new() { ["AccessLog__SigningKeyPath"] = key });

        Assert.Equal(2, result.ExitCode);
        var line = SingleLine(result.Error);
        Assert.StartsWith($"Informatiedeling cannot start: The access-log signing key '{key}' cannot be read or created", line, StringComparison.Ordinal);
        Assert.Contains("AccessLog:SigningKeyPath", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postgresql_without_a_connection_string_stops_start_up_with_one_line()
    {
        var result = await StartHubAsync(new() { ["Storage__Provider"] = "postgresql" });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("ConnectionStrings:Hub is empty", SingleLine(result.Error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_policy_set_stops_start_up_and_names_file_line_and_column()
    {
        var policies = TestRun.CreateTempSubdirectory("infodeel-policies-").FullName;
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Policies, "*.yaml"))
        {
            File.Copy(file, Path.Combine(policies, Path.GetFileName(file)));
        }

        var fences = Path.Combine(policies, "fences.yaml");
        File.WriteAllText(fences, File.ReadAllText(fences).Replace("partners: [investigative]", "partners: [investigative, zorgcoordinatie]", StringComparison.Ordinal));

        var result = await StartHubAsync(new() { ["Policy__Directory"] = policies });

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("Informatiedeling cannot start: the policy set is refused (1 error(s))", result.Error, StringComparison.Ordinal);
        Assert.Matches(@"fences\.yaml:\d+:\d+: error PL070: fence 'hek-strafrechtelijk' \(strafrechtelijk\) grants partners zorgcoordinatie", result.Error);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    private static async Task<ProgramResult> StartHubAsync(Dictionary<string, string> environment)
    {
        var work = TestRun.CreateTempSubdirectory("infodeel-start-").FullName;
        environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        environment["Storage__DataDirectory"] = Path.Combine(work, "data");
        environment.TryAdd("Policy__Directory", RepositoryPaths.Policies);
        environment["Policy__Convenant"] = RepositoryPaths.Convenant;
        return await ProgramRun.RunAsync(HubAssembly, [], environment, work, timeout: TimeSpan.FromSeconds(90));
    }

    private static string SingleLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"expected one line on standard error, got {lines.Length}:\n{text}");
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        return lines[0];
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
