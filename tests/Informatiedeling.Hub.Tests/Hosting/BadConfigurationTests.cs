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
    public async Task A_key_cache_lifetime_that_is_not_a_bound_stops_start_up_with_one_line()
    {
        var result = await StartHubAsync(new() { ["Keys__CacheLifetime"] = "forever" });

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("Informatiedeling cannot start: Keys:CacheLifetime 'forever' is not a time span", SingleLine(result.Error), StringComparison.Ordinal);
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

    [Fact]
    public async Task Outside_development_a_hub_without_a_key_ring_certificate_refuses_to_start_and_creates_none()
    {
        var work = TestRun.CreateTempSubdirectory("infodeel-start-").FullName;
        var secrets = HubSecrets.WriteTo(Path.Combine(work, "secrets"));
        var result = await StartHubAsync(new() { ["AccessLog__SigningKeyPath"] = secrets.SigningKeyPath }, work, withSecrets: false);

        Assert.Equal(2, result.ExitCode);
        var line = SingleLine(result.Error);
        Assert.StartsWith("Informatiedeling cannot start: Keys:CertificatePath is not set; outside Development the hub does not create its key-ring certificate.", line, StringComparison.Ordinal);
        Assert.Contains("infodeel keys create-certificate --out", line, StringComparison.Ordinal);
        AssertNoSecretCreated(Path.Combine(work, "data"));
    }

    [Fact]
    public async Task Outside_development_a_hub_without_a_checkpoint_signing_key_refuses_to_start_and_creates_none()
    {
        var work = TestRun.CreateTempSubdirectory("infodeel-start-").FullName;
        var secrets = HubSecrets.WriteTo(Path.Combine(work, "secrets"));
        var result = await StartHubAsync(new() { ["Keys__CertificatePath"] = secrets.CertificatePath }, work, withSecrets: false);

        Assert.Equal(2, result.ExitCode);
        var line = SingleLine(result.Error);
        Assert.StartsWith("Informatiedeling cannot start: AccessLog:SigningKeyPath is not set; outside Development the hub does not create its checkpoint signing key.", line, StringComparison.Ordinal);
        Assert.Contains("infodeel log create-signing-key --out", line, StringComparison.Ordinal);
        Assert.Contains("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256", line, StringComparison.Ordinal);
        AssertNoSecretCreated(Path.Combine(work, "data"));
    }

    [Fact]
    public async Task Outside_development_configured_secrets_that_do_not_exist_are_not_created()
    {
        var work = TestRun.CreateTempSubdirectory("infodeel-start-").FullName;
        var secrets = HubSecrets.WriteTo(Path.Combine(work, "secrets"));
        var missing = Path.Combine(work, "mounted", "keyring.pfx");
        var result = await StartHubAsync(
            new() { ["Keys__CertificatePath"] = missing, ["AccessLog__SigningKeyPath"] = secrets.SigningKeyPath }, work, withSecrets: false);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"Informatiedeling cannot start: The key-ring certificate '{missing}' (Keys:CertificatePath) does not exist", SingleLine(result.Error), StringComparison.Ordinal);
        Assert.False(File.Exists(missing));
        Assert.False(Directory.Exists(Path.Combine(work, "mounted")));
    }

    [Fact]
    public async Task Secrets_made_with_infodeel_and_a_certificate_password_start_the_hub()
    {
        var work = TestRun.CreateTempSubdirectory("infodeel-start-").FullName;
        var certificate = Path.Combine(work, "secrets", "keyring.pfx");
        var signingKey = Path.Combine(work, "secrets", "signing.pem");
        var cli = RepositoryPaths.Program("Informatiedeling.Cli", "infodeel");
        var password = new Dictionary<string, string> { ["Keys__CertificatePassword"] = "correct horse battery staple" };
        var withoutPassword = await ProgramRun.RunAsync(cli, ["keys", "create-certificate", "--out", certificate], workingDirectory: work);
        Assert.Equal(2, withoutPassword.ExitCode); // a certificate without a password is made only when asked for
        Assert.False(File.Exists(certificate));
        var made = await ProgramRun.RunAsync(cli, ["keys", "create-certificate", "--out", certificate], password, work);
        Assert.True(made.ExitCode == 0, made.Error);
        var again = await ProgramRun.RunAsync(cli, ["keys", "create-certificate", "--out", certificate], password, work);
        Assert.Equal(1, again.ExitCode); // never replaced: the key ring made with it would be lost
        var key = await ProgramRun.RunAsync(cli, ["log", "create-signing-key", "--out", signingKey], workingDirectory: work);
        Assert.True(key.ExitCode == 0, key.Error);
        Assert.Contains("verifier key: informatiedeling-toegangslog+", key.Output, StringComparison.Ordinal);

        var data = Path.Combine(work, "data");
        await using var hub = await HubProcess.StartAsync(new Dictionary<string, string>(password)
        {
            ["Storage__DataDirectory"] = data,
            ["Keys__CertificatePath"] = certificate,
            ["AccessLog__SigningKeyPath"] = signingKey,
        }, TimeSpan.FromSeconds(90));
        AssertNoSecretCreated(data);
    }

    private static void AssertNoSecretCreated(string data)
    {
        Assert.False(File.Exists(HubSecrets.CertificatePath(data)), "a key-ring certificate was created in the data folder");
        Assert.False(File.Exists(HubSecrets.SigningKeyPath(data)), "a signing key was created in the data folder");
    }

    private static async Task<ProgramResult> StartHubAsync(Dictionary<string, string> environment, string? work = null, bool withSecrets = true)
    {
        work ??= TestRun.CreateTempSubdirectory("infodeel-start-").FullName;
        if (withSecrets)
        {
            // What these tests are about is something else: the hub has its two secrets, as an operator provides them.
            var secrets = HubSecrets.WriteTo(Path.Combine(work, "secrets"));
            environment.TryAdd("Keys__CertificatePath", secrets.CertificatePath);
            environment.TryAdd("AccessLog__SigningKeyPath", secrets.SigningKeyPath);
        }

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
