using Informatiedeling.Testing;
using Npgsql;

namespace Informatiedeling.Cli.Tests;

/// <summary><c>infodeel db migrate</c> applies the same versioned migrations on both engines, once.</summary>
public sealed class DatabaseMigrateTests
{
    [Fact]
    public async Task Migrates_an_embedded_sqlite_database_and_is_idempotent()
    {
        var data = TestRun.CreateTempSubdirectory("infodeel-db-").FullName;

        var first = await Infodeel.RunAsync("", "db", "migrate", "--provider", "sqlite", "--data", data);
        var second = await Infodeel.RunAsync("", "db", "migrate", "--provider", "sqlite", "--data", data);

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("applied 202611220001_Initial", first.Output, StringComparison.Ordinal);
        Assert.Contains("applied 202611220002_KeyStore", first.Output, StringComparison.Ordinal);
        Assert.Contains("applied 202611220003_ClientFile", first.Output, StringComparison.Ordinal);
        Assert.Contains("applied 202611220004_AccessLog", first.Output, StringComparison.Ordinal);
        Assert.Contains("applied 202611220005_CaseRoles", first.Output, StringComparison.Ordinal);
        Assert.Contains("applied 202612010001_Lifecycle", first.Output, StringComparison.Ordinal);
        Assert.Contains("applied 202612010002_Retention", first.Output, StringComparison.Ordinal);
        Assert.Contains("applied 202612020001_CaseParticipants", first.Output, StringComparison.Ordinal);
        Assert.Contains("applied 202612020010_CaseReports", first.Output, StringComparison.Ordinal);
        Assert.Contains("applied 202612020020_AccessLogUser", first.Output, StringComparison.Ordinal);
        Assert.Contains("applied 202612020030_EndedSessions", first.Output, StringComparison.Ordinal);
        Assert.Contains("applied 202612020040_AccessLogSearch", first.Output, StringComparison.Ordinal);
        Assert.Contains("applied 202612020070_AccessLogVerifications", first.Output, StringComparison.Ordinal);
        Assert.Contains("applied 202612020060_AccessLogFlagRuns", first.Output, StringComparison.Ordinal);
        Assert.Contains("applied 202612020080_PolicyAdministration", first.Output, StringComparison.Ordinal);
        Assert.Contains("schema current (16 migration(s) applied)", first.Output, StringComparison.Ordinal);
        Assert.Contains("applied 202612020050_AccessReviews", first.Output, StringComparison.Ordinal);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("schema current (0 migration(s) applied)", second.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(data, "informatiedeling.db")));
        Assert.True(File.Exists(Path.Combine(data, "keys.db")));
    }

    [Fact]
    public async Task Migrates_a_postgresql_database()
    {
        var connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("cli");

        var result = await Infodeel.RunAsync("", "db", "migrate", "--provider", "postgresql", "--connection", connectionString);

        Assert.True(result.ExitCode == 0, result.Error);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_name = 'policy_versions'", connection);
        Assert.Equal(1L, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task An_unknown_provider_is_a_clear_error()
    {
        var result = await Infodeel.RunAsync("", "db", "migrate", "--provider", "oracle");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Storage:Provider 'oracle' is unknown", result.Error, StringComparison.Ordinal);
    }
}
