using System.Net;
using System.Text.Json;
using Informatiedeling.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.Hosting;

/// <summary>The hub starts on each storage engine, migrates, and reports ready only when it can work.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task Hub_on_sqlite_is_ready_with_the_reference_policy_set()
    {
        await using var hub = HubFactory.OnSqlite();
        await AssertReadyAsync(hub, "Sqlite");
        Assert.True(File.Exists(Path.Combine(hub.DataDirectory, StorageSettings.DefaultDatabaseFileName)));
    }

    [Fact]
    public async Task Hub_on_postgresql_is_ready_with_the_reference_policy_set()
    {
        await using var hub = await HubFactory.OnPostgresAsync();
        await AssertReadyAsync(hub, "PostgreSql");
    }

    [Fact]
    public async Task Two_hub_instances_starting_together_on_one_empty_postgresql_database_both_become_ready()
    {
        var connectionString = await (await Testing.PostgresServer.SharedAsync()).CreateDatabaseAsync("two");
        var certificate = HubFactory.SharedCertificatePath();
        await using var first = await HubFactory.OnPostgresAsync(connectionString, certificatePath: certificate);
        await using var second = await HubFactory.OnPostgresAsync(connectionString, certificatePath: certificate);
        var starts = await Task.WhenAll(
            Task.Run(() => first.CreateClient().GetAsync(new Uri("/health/ready", UriKind.Relative))),
            Task.Run(() => second.CreateClient().GetAsync(new Uri("/health/ready", UriKind.Relative))));
        Assert.All(starts, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        await using var scope = first.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        Assert.Equal(1, await db.PolicyVersions.CountAsync());
        Assert.Equal(db.Database.GetMigrations().Order(StringComparer.Ordinal), (await db.Database.GetAppliedMigrationsAsync()).Order(StringComparer.Ordinal));
        Assert.Equal(15, db.Database.GetMigrations().Count());
    }

    [Fact]
    public async Task In_development_the_hub_creates_its_secrets_in_the_data_folder_for_dotnet_run()
    {
        await using var hub = HubFactory.OnSqlite(
            new Dictionary<string, string?> { ["Keys:CertificatePath"] = null, ["AccessLog:SigningKeyPath"] = null }, environment: "Development");
        await AssertReadyAsync(hub, "Sqlite");
        Assert.True(File.Exists(Testing.HubSecrets.CertificatePath(hub.DataDirectory)));
        Assert.True(File.Exists(Testing.HubSecrets.SigningKeyPath(hub.DataDirectory)));
    }

    [Fact]
    public async Task Liveness_answers_without_touching_the_database()
    {
        await using var hub = HubFactory.OnSqlite();
        using var response = await hub.CreateClient().GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readiness_fails_when_the_database_goes_away()
    {
        var server = await Testing.PostgresServer.StartAsync(durable: false);
        await using var hub = await HubFactory.OnPostgresAsync(await server.CreateDatabaseAsync("gone"));
        var client = hub.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);

        await server.DisposeAsync();
        using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_policy_version_in_force_is_recorded_once_with_its_sources()
    {
        await using var hub = HubFactory.OnSqlite();
        _ = await hub.CreateClient().GetAsync(new Uri("/health/ready", UriKind.Relative));
        await using var scope = hub.Services.CreateAsyncScope();
        var row = await scope.ServiceProvider.GetRequiredService<HubDbContext>().PolicyVersions.SingleAsync();
        Assert.Equal(64, row.ContentHash.Length);
        Assert.Contains("fences.yaml", row.Bundle, StringComparison.Ordinal);
        Assert.Equal("2027.1", row.ConvenantVersion);
    }

    private static async Task AssertReadyAsync(HubFactory hub, string provider)
    {
        using var response = await hub.CreateClient().GetAsync(new Uri("/health/ready", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var body = JsonDocument.Parse(text);
        var checks = body.RootElement.GetProperty("checks");
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal($"{provider} schema current", checks.GetProperty("database").GetProperty("description").GetString());
        Assert.StartsWith("policy set ", checks.GetProperty("policy").GetProperty("description").GetString(), StringComparison.Ordinal);
    }
}
