using Informatiedeling.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Informatiedeling.Hub.Tests;

/// <summary>The real hub in-process, on a database of its own: a SQLite file in a temporary folder, or a fresh PostgreSQL database.</summary>
public sealed class HubFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly string _dataDirectory;

    private HubFactory(Dictionary<string, string?> settings, string dataDirectory)
    {
        _settings = settings;
        _dataDirectory = dataDirectory;
    }

    /// <summary>The hosting environment; Testing unless a test needs Development's behaviour.</summary>
    public string Environment { get; set; } = "Testing";

    public string DataDirectory => _dataDirectory;

    /// <summary>Everything the hub logged, at every level.</summary>
    public CapturedLogs Logs { get; } = new();

    public string ConnectionString => _settings["ConnectionStrings:Hub"] ?? "";

    /// <summary>
    /// A clock the test moves (invitation ends, token lifetimes, retention periods); the system clock when null.
    /// Set it before the first request: the hub's services take their <see cref="TimeProvider"/> from it.
    /// </summary>
    public FakeTimeProvider? Clock { get; set; }

    public static HubFactory OnSqlite(IDictionary<string, string?>? extra = null, string environment = "Testing", FakeTimeProvider? clock = null)
    {
        var data = TestRun.CreateTempSubdirectory("infodeel-hub-").FullName;
        return new HubFactory(Settings("sqlite", null, data, extra), data) { Environment = environment, Clock = clock };
    }

    /// <summary>
    /// A hub on PostgreSQL. Instances meant to share one database must share the key-ring certificate too, as
    /// production instances share a mounted one: pass the same <paramref name="certificatePath"/>.
    /// </summary>
    public static async Task<HubFactory> OnPostgresAsync(
        string? connectionString = null, IDictionary<string, string?>? extra = null, string? certificatePath = null,
        string environment = "Testing", FakeTimeProvider? clock = null)
    {
        connectionString ??= await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("hub");
        var data = TestRun.CreateTempSubdirectory("infodeel-hub-").FullName;
        var settings = Settings("postgresql", connectionString, data, extra);
        if (certificatePath is not null)
        {
            // Instances on one database share both secrets, as production instances share the mounted ones.
            settings["Keys:CertificatePath"] = certificatePath;
            if (extra?.ContainsKey("AccessLog:SigningKeyPath") != true)
            {
                settings["AccessLog:SigningKeyPath"] = HubSecrets.SigningKeyPath(Path.GetDirectoryName(certificatePath)!);
            }
        }

        return new HubFactory(settings, data) { Environment = environment, Clock = clock };
    }

    /// <summary>
    /// A key-ring certificate that several hub instances share, made now, with the checkpoint signing key beside it
    /// (which <see cref="OnPostgresAsync"/> gives the instances too).
    /// </summary>
    public static string SharedCertificatePath() =>
        HubSecrets.Create(TestRun.CreateTempSubdirectory("infodeel-cert-").FullName).CertificatePath;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (Clock is { } clock)
        {
            builder.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static Dictionary<string, string?> Settings(string provider, string? connectionString, string data, IDictionary<string, string?>? extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = provider,
            ["ConnectionStrings:Hub"] = connectionString ?? "",
            ["Storage:DataDirectory"] = data,
            ["Policy:Convenant"] = RepositoryPaths.Convenant,
            ["Policy:Directory"] = RepositoryPaths.Policies,
            // The scheduled purge runs only in the tests that are about it (they turn it on).
            ["Retention:Enabled"] = "false",
        };

        // Outside Development the hub starts only with both secrets configured; written into the data folder, where
        // 'infodeel' finds them by default. A test that is about them overrides the settings (null: not configured).
        if (extra?.ContainsKey("Keys:CertificatePath") != true)
        {
            settings["Keys:CertificatePath"] = HubSecrets.WriteCertificateTo(data);
        }

        if (extra?.ContainsKey("AccessLog:SigningKeyPath") != true)
        {
            settings["AccessLog:SigningKeyPath"] = HubSecrets.WriteSigningKeyTo(data);
        }
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }
}
