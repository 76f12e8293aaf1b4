using System.Data.Common;
using System.Net;
using System.Text.Json;
using Informatiedeling.AccessLog.Merkle;
using Informatiedeling.Storage.AccessLog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Informatiedeling.Hub.Tests.AccessLog;

/// <summary>
/// Whoever can write the database rewrites a record the hub already signed, with its hash recomputed, and the log
/// goes on growing. The hub does not countersign that history: before signing it proves the new head consistent
/// with its last checkpoint, refuses, logs an error, reports readiness degraded, and 'infodeel log verify' names
/// where the stored log departs from what was signed.
/// </summary>
public sealed class CheckpointConsistencyTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    public static TheoryData<string> Engines => new(AccessLogs.Engines);

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_rewritten_signed_record_stops_the_next_checkpoint_and_is_named(string engine)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var hub = engine == "sqlite"
            ? HubFactory.OnSqlite(clock: clock)
            : await HubFactory.OnPostgresAsync(clock: clock);
        await hub.Log().AppendManyAsync(20);
        var first = await NextCheckpointAsync(hub, clock);
        await hub.Log().AppendManyAsync(20);
        var second = await NextCheckpointAsync(hub, clock);
        Assert.True(first < second);
        Assert.Equal("Healthy", (await ReadinessAsync(hub)).Status);

        var rewritten = first + 5; // signed by the second checkpoint, not by the first
        await using (var db = await hub.OpenDatabaseAsync())
        {
            await RewriteAsync(db, engine, rewritten);
        }

        await hub.Log().AppendManyAsync(10);
        clock.Advance(Interval);
        await WaitUntilAsync(() => hub.Logs.All.Contains("Refused to sign an access-log checkpoint", StringComparison.Ordinal)
            || hub.Services.GetRequiredService<CheckpointState>().Current.SignedSize > second, hub);

        var store = hub.Services.GetRequiredService<AccessLogStore>();
        Assert.Equal(second, (await store.ReadCheckpointsAsync(CancellationToken.None))[^1].Size); // nothing signed
        var error = Assert.Single(hub.Logs.Lines, l => l.Contains("Refused to sign an access-log checkpoint", StringComparison.Ordinal));
        Assert.StartsWith("Error ", error, StringComparison.Ordinal);
        Assert.Contains($"the checkpoint signed at size {second}", error, StringComparison.Ordinal);
        Assert.True(error.Contains($"a record from seq {first} to {second - 1} was changed", StringComparison.Ordinal), error);

        var ready = await ReadinessAsync(hub);
        Assert.NotEqual("Healthy", ready.Status);
        Assert.Equal("Degraded", ready.Checkpoint.GetProperty("status").GetString());
        Assert.Contains($"does not extend", error, StringComparison.Ordinal);
        Assert.Contains($"from seq {first} to {second - 1}", ready.Checkpoint.GetProperty("description").GetString(), StringComparison.Ordinal);

        var verify = await hub.InfodeelAsync("verify");
        Assert.Equal(1, verify.ExitCode);
        Assert.Contains($"records 0 to {second - 1} do not have the root of the stored checkpoint at size {second}", verify.Error, StringComparison.Ordinal);
        Assert.Contains($"departs from it between seq {first} and {second - 1} (the checkpoint at size {first} still matches)", verify.Error, StringComparison.Ordinal);

        // The operator's tool refuses as the service does.
        var checkpoint = await hub.InfodeelAsync("checkpoint");
        Assert.Equal(1, checkpoint.ExitCode);
        Assert.Contains("refused to sign a checkpoint of the access log", checkpoint.Error, StringComparison.Ordinal);
        Assert.Equal(second, (await store.ReadCheckpointsAsync(CancellationToken.None))[^1].Size);
    }

    [Fact]
    public async Task Removing_the_latest_checkpoint_row_does_not_lower_the_bar_of_a_running_hub()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var hub = await HubFactory.OnPostgresAsync(clock: clock);
        await hub.Log().AppendManyAsync(10);
        var signed = await NextCheckpointAsync(hub, clock);
        await using (var db = await hub.OpenDatabaseAsync())
        {
            await db.ExecuteAsync($"SET session_replication_role = replica; DELETE FROM access_log_checkpoints WHERE size = {signed};");
        }

        await hub.Log().AppendManyAsync(10);
        clock.Advance(Interval);
        await WaitUntilAsync(() => hub.Services.GetRequiredService<CheckpointState>().Current.Refusal is not null
            || hub.Services.GetRequiredService<CheckpointState>().Current.SignedSize > signed, hub);
        Assert.Contains($"the checkpoint this hub signed at size {signed} is no longer stored",
            hub.Services.GetRequiredService<CheckpointState>().Current.Refusal?.Message, StringComparison.Ordinal);
    }

    /// <summary>Moves the clock one interval on and waits for the checkpoint service to sign; returns the signed size.</summary>
    private static async Task<long> NextCheckpointAsync(HubFactory hub, FakeTimeProvider clock)
    {
        var store = hub.Services.GetRequiredService<AccessLogStore>();
        var size = await hub.SizeAsync();
        clock.Advance(Interval);
        await WaitUntilAsync(async () => (await store.ReadCheckpointsAsync(CancellationToken.None)).Any(c => c.Size == size), hub);
        return size;
    }

    /// <summary>Flips a byte of the record's content and recomputes its leaf hash, with the append-only triggers out of the way.</summary>
    private static async Task RewriteAsync(DbConnection db, string engine, long seq)
    {
        byte[] leaf;
        await using (var read = db.CreateCommand())
        {
            read.CommandText = $"SELECT leaf FROM access_log WHERE seq = {seq}";
            leaf = (byte[])(await read.ExecuteScalarAsync())!;
        }

        leaf[59] ^= 0xff;
        await db.ExecuteAsync(engine == "sqlite" ? "DROP TRIGGER access_log_no_update;" : "SET session_replication_role = replica;");
        await using var update = db.CreateCommand();
        update.CommandText = $"UPDATE access_log SET leaf = @leaf, leaf_hash = @hash WHERE seq = {seq}";
        foreach (var (name, value) in new[] { ("leaf", leaf), ("hash", MerkleHash.LeafHash(leaf)) })
        {
            var parameter = update.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            update.Parameters.Add(parameter);
        }

        Assert.Equal(1, await update.ExecuteNonQueryAsync());
    }

    private static async Task<(string Status, JsonElement Checkpoint)> ReadinessAsync(HubFactory hub)
    {
        using var response = await hub.CreateClient().GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // degraded still serves: the log records, it only is not countersigned
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (body.RootElement.GetProperty("status").GetString()!, body.RootElement.GetProperty("checks").GetProperty("access-log-checkpoint").Clone());
    }

    private static Task WaitUntilAsync(Func<bool> condition, HubFactory hub) => WaitUntilAsync(() => Task.FromResult(condition()), hub);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, HubFactory hub)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the checkpoint service did not act within 30 s:\n" +
                string.Join('\n', hub.Logs.Lines.Where(l => l.Contains("checkpoint", StringComparison.OrdinalIgnoreCase)).TakeLast(20)));
            await Task.Delay(100);
        }
    }
}
