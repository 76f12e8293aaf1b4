extern alias infodeel;

using System.Collections.Concurrent;

namespace Informatiedeling.Hub.Tests.AccessLog;

/// <summary>Many writers in two hub instances on one PostgreSQL database: one order, no gaps, no forks.</summary>
public sealed class ConcurrencyTests
{
    private const int WritersPerHub = 32;
    private const int RecordsPerWriter = 200;

    [Fact]
    public async Task Sixty_four_writers_in_two_hub_instances_give_one_gapless_log_that_verifies()
    {
        var server = await Informatiedeling.Testing.PostgresServer.SharedAsync();
        var database = await server.CreateDatabaseAsync("alog");
        var certificate = HubFactory.SharedCertificatePath();
        var shared = new Dictionary<string, string?>
        {
            ["AccessLog:SigningKeyPath"] = Path.Combine(Path.GetDirectoryName(certificate)!, "toegangslog-signing.pem"),
            ["AccessLog:CheckpointInterval"] = "00:00:00.2",
        };
        await using var first = await HubFactory.OnPostgresAsync(database, shared, certificate);
        var firstLog = first.Log();
        await using var second = await HubFactory.OnPostgresAsync(database, shared, certificate);
        var secondLog = second.Log();
        var start = await first.SizeAsync(); // what the two instances recorded starting up

        var acknowledged = new ConcurrentBag<long>();
        await Task.WhenAll(new[] { firstLog, secondLog }.SelectMany(log => Enumerable.Range(0, WritersPerHub).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < RecordsPerWriter; i++)
            {
                acknowledged.Add(await log.AppendAsync(AccessLogs.Decision(user: $"writer-{w}"), CancellationToken.None));
            }
        }))));

        const int written = 2 * WritersPerHub * RecordsPerWriter;
        var total = start + written;
        Assert.Equal(Enumerable.Range(0, written).Select(i => start + i), acknowledged.Order());

        await using (var db = await first.OpenDatabaseAsync())
        {
            await using (var count = db.CreateCommand())
            {
                count.CommandText = "SELECT count(*), min(seq), max(seq), (SELECT size FROM access_log_head) FROM access_log";
                await using var reader = await count.ExecuteReaderAsync();
                Assert.True(await reader.ReadAsync());
                Assert.Equal(total, reader.GetInt64(0));
                Assert.Equal(0, reader.GetInt64(1));
                Assert.Equal(total - 1, reader.GetInt64(2));
                Assert.Equal(total, reader.GetInt64(3));
            }

            // The checkpoint services of both instances sign the grown log within an interval or two.
            var deadline = DateTime.UtcNow.AddSeconds(15);
            long signed = 0;
            while (signed != total && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
                await using var latest = db.CreateCommand();
                latest.CommandText = "SELECT coalesce(max(size), 0) FROM access_log_checkpoints";
                signed = (long)(await latest.ExecuteScalarAsync())!;
            }

            Assert.Equal(total, signed);
        }

        // Checkpoints issued by both instances during the load must all lie on the one tree.
        var verify = await first.InfodeelAsync("verify", "--signing-key", shared["AccessLog:SigningKeyPath"]!);
        Assert.True(verify.ExitCode == 0, verify.Error);
        Assert.Contains($"verified {total} records", verify.Output, StringComparison.Ordinal);
    }
}

/// <summary>The same on SQLite: two hub instances on one database file, serialised by SQLite's single writer.</summary>
public sealed class SqliteConcurrencyTests
{
    [Fact]
    public async Task Two_hub_instances_on_one_sqlite_file_give_one_gapless_log_that_verifies()
    {
        var folder = Informatiedeling.Testing.TestRun.CreateTempSubdirectory("infodeel-shared-sqlite-").FullName;
        var shared = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Hub"] = $"Data Source={Path.Combine(folder, "informatiedeling.db")}",
            ["AccessLog:SigningKeyPath"] = Informatiedeling.Testing.HubSecrets.Create(folder).SigningKeyPath,
            ["AccessLog:CheckpointInterval"] = "00:00:00.2",
        };
        await using var first = HubFactory.OnSqlite(shared);
        var firstLog = first.Log();
        await using var second = HubFactory.OnSqlite(shared);
        var secondLog = second.Log();
        var start = await first.SizeAsync(); // what the two instances recorded starting up

        var acknowledged = new ConcurrentBag<long>();
        await Task.WhenAll(new[] { firstLog, secondLog }.SelectMany(log => Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                acknowledged.Add(await log.AppendAsync(AccessLogs.Decision(), CancellationToken.None));
            }
        }))));

        Assert.Equal(Enumerable.Range(0, 1600).Select(i => start + i), acknowledged.Order());
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await infodeel::Informatiedeling.Cli.InfodeelApp.RunAsync(
            ["log", "verify", "--provider", "sqlite", "--data", first.DataDirectory, "--connection", shared["ConnectionStrings:Hub"]!, "--signing-key", shared["AccessLog:SigningKeyPath"]!],
            TextReader.Null, output, error);
        Assert.True(exit == 0, error.ToString());
        Assert.Contains($"verified {start + 1600} records", output.ToString(), StringComparison.Ordinal);
    }
}
