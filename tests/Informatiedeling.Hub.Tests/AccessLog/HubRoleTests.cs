using Informatiedeling.Storage;
using Informatiedeling.Storage.AccessLog;
using Npgsql;

namespace Informatiedeling.Hub.Tests.AccessLog;

/// <summary>The role of docs/access-log.md: it appends and reads the log, and the database refuses it anything else, triggers or not.</summary>
public sealed class HubRoleTests
{
    [Fact]
    public async Task The_documented_hub_role_may_append_and_read_but_not_change_or_remove_the_log()
    {
        await using var hub = await AccessLogs.HubAsync("postgresql");
        var start = await hub.SizeAsync();
        await hub.Log().AppendManyAsync(3); // migrated by the owner
        var role = $"hub_{Guid.NewGuid():N}"[..20];
        var database = new NpgsqlConnectionStringBuilder(hub.ConnectionString).Database!;
        await using (var owner = await hub.OpenDatabaseAsync())
        {
            await owner.ExecuteAsync($"""
                CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
                GRANT CONNECT ON DATABASE "{database}" TO {role};
                GRANT USAGE ON SCHEMA public TO {role};
                GRANT SELECT, INSERT ON access_log, access_log_checkpoints TO {role};
                REVOKE UPDATE, DELETE, TRUNCATE ON access_log, access_log_checkpoints FROM {role};
                GRANT SELECT, UPDATE ON access_log_head TO {role};
                """);
        }

        var asHub = new NpgsqlConnectionStringBuilder(hub.ConnectionString) { Username = role, Pooling = false }.ConnectionString;
        var settings = StorageSettings.Resolve("postgresql", asHub, hub.DataDirectory);
        await using (var store = new AccessLogStore(settings))
        {
            Assert.Equal(start + 3, await store.AppendBatchAsync([AccessLogs.Decision(), AccessLogs.Decision()], DateTimeOffset.UtcNow, CancellationToken.None));
            Assert.Equal(start + 5, (await store.ReadHeadAsync(CancellationToken.None)).Size);
        }

        await using var connection = new NpgsqlConnection(asHub);
        await connection.OpenAsync();
        foreach (var sql in new[]
        {
            "SET session_replication_role = replica",
            "UPDATE access_log SET event_kind = 'purge' WHERE seq = 1",
            "DELETE FROM access_log WHERE seq = 1",
            "TRUNCATE access_log",
            "DELETE FROM access_log_checkpoints",
            "ALTER TABLE access_log DISABLE TRIGGER access_log_append_only",
        })
        {
            var e = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(sql));
            Assert.True(e.SqlState is PostgresErrorCodes.InsufficientPrivilege, $"{sql}: {e.SqlState} {e.MessageText}");
        }

        var verify = await hub.InfodeelAsync("verify");
        Assert.True(verify.ExitCode == 0, verify.Error);
        Assert.Contains($"verified {start + 5} records", verify.Output, StringComparison.Ordinal);
    }
}
