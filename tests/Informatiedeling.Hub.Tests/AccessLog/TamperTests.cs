using Informatiedeling.AccessLog.Merkle;

namespace Informatiedeling.Hub.Tests.AccessLog;

/// <summary>
/// A database superuser changes the log behind the hub's back, with the append-only triggers switched off:
/// 'infodeel log verify' names the first record that does not match, and an exported checkpoint reveals a tail cut off.
/// </summary>
public sealed class TamperTests
{
    private const string AsSuperuser = "SET session_replication_role = replica;";

    [Fact]
    public async Task An_edited_row_is_named()
    {
        await using var tampered = await TamperedAsync(_ =>
            $"{AsSuperuser} UPDATE access_log SET leaf = set_byte(leaf, 59, 255 - get_byte(leaf, 59)) WHERE seq = 17;");
        await AssertNamedAsync(tampered.Hub, 17, "does not match its leaf hash");
    }

    [Fact]
    public async Task A_deleted_row_is_named()
    {
        await using var tampered = await TamperedAsync(_ => $"{AsSuperuser} DELETE FROM access_log WHERE seq = 23;");
        await AssertNamedAsync(tampered.Hub, 23, "record 23 is missing");
    }

    [Fact]
    public async Task An_inserted_row_is_named()
    {
        // A copy of record 5, renumbered and rehashed so that it is self-consistent, added after the last one.
        await using var tampered = await TamperedAsync(size =>
            $"{AsSuperuser} INSERT INTO access_log (seq, recorded_at, leaf, leaf_hash, event_kind) " +
            $"SELECT {size}, recorded_at, overlay(leaf placing int8send({size}) from 2 for 8), " +
            $"sha256('\\x00'::bytea || overlay(leaf placing int8send({size}) from 2 for 8)), event_kind FROM access_log WHERE seq = 5;");
        await AssertNamedAsync(tampered.Hub, tampered.Size, "beyond the log head");
    }

    [Fact]
    public async Task Two_swapped_rows_are_named_at_the_first()
    {
        await using var tampered = await TamperedAsync(_ => $"""
            {AsSuperuser}
            CREATE TEMP TABLE swap AS SELECT seq, leaf, leaf_hash FROM access_log WHERE seq IN (11, 29);
            UPDATE access_log a SET leaf = s.leaf, leaf_hash = s.leaf_hash FROM swap s WHERE s.seq = 40 - a.seq AND a.seq IN (11, 29);
            """);
        await AssertNamedAsync(tampered.Hub, 11, "holds the content of record 29");
    }

    [Fact]
    public async Task An_edited_row_with_a_recomputed_hash_breaks_the_signed_checkpoint()
    {
        await using var tampered = await TamperedAsync(_ => $"""
            {AsSuperuser}
            UPDATE access_log SET leaf = set_byte(leaf, 59, 255 - get_byte(leaf, 59)) WHERE seq = 3;
            UPDATE access_log SET leaf_hash = sha256('\x00'::bytea || leaf) WHERE seq = 3;
            """);
        var verify = await tampered.Hub.InfodeelAsync("verify");
        Assert.Equal(1, verify.ExitCode);
        Assert.Contains($"records 0 to {tampered.Size - 1} do not have the root of the stored checkpoint at size {tampered.Size}", verify.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_tail_is_detected_against_an_exported_checkpoint()
    {
        await using var hub = await AccessLogs.HubAsync("postgresql");
        var size = await hub.SizeAsync() + 40;
        await hub.Log().AppendManyAsync(40);
        var kept = Path.Combine(hub.DataDirectory, "kept-checkpoint.txt");
        var export = await hub.InfodeelAsync("checkpoint", "--out", kept);
        Assert.True(export.ExitCode == 0, export.Error);
        Assert.Contains("verifier key: informatiedeling-toegangslog+", export.Output, StringComparison.Ordinal);

        // The careful attacker: cut the last 10 records, set the head to the tree of the first 30, and remove the
        // checkpoints that would betray it. The database is consistent with itself afterwards.
        var first30 = new MerkleAccumulator();
        await using (var db = await hub.OpenDatabaseAsync())
        {
            await using (var read = db.CreateCommand())
            {
                read.CommandText = "SELECT leaf_hash FROM access_log WHERE seq < 30 ORDER BY seq";
                await using var reader = await read.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    first30.Append(reader.GetFieldValue<byte[]>(0));
                }
            }

            await db.ExecuteAsync($"""
                {AsSuperuser}
                DELETE FROM access_log WHERE seq >= 30;
                DELETE FROM access_log_checkpoints;
                UPDATE access_log_head SET size = 30, subtree_roots = '\x{Convert.ToHexStringLower(first30.CopySubtreeRoots())}'::bytea;
                """);
        }

        var alone = await hub.InfodeelAsync("verify");
        Assert.True(alone.ExitCode == 0, alone.Error); // what the database holds is consistent …

        var witnessed = await hub.InfodeelAsync("verify", "--checkpoint", kept);
        Assert.Equal(1, witnessed.ExitCode); // … but not with what a partner kept
        Assert.Contains($"the log holds 30 records but a kept checkpoint signs {size}", witnessed.Error, StringComparison.Ordinal);
        Assert.Contains("truncation or rollback", witnessed.Error, StringComparison.Ordinal);
    }

    /// <summary>A hub whose log holds what it started with and 40 records more, checkpointed and verified, then <paramref name="sql"/> run on it; with the log's size before the tampering.</summary>
    private static async Task<Tampered> TamperedAsync(Func<long, string> sql)
    {
        var hub = await AccessLogs.HubAsync("postgresql");
        var size = await hub.SizeAsync() + 40;
        await hub.Log().AppendManyAsync(40);
        var checkpoint = await hub.InfodeelAsync("checkpoint");
        Assert.True(checkpoint.ExitCode == 0, checkpoint.Error);
        var before = await hub.InfodeelAsync("verify");
        Assert.True(before.ExitCode == 0, before.Error);
        Assert.Contains($"verified {size} records", before.Output, StringComparison.Ordinal);
        await using var db = await hub.OpenDatabaseAsync();
        await db.ExecuteAsync(sql(size));
        return new Tampered(hub, size);
    }

    private static async Task AssertNamedAsync(HubFactory hub, long seq, string what)
    {
        var verify = await hub.InfodeelAsync("verify");
        Assert.Equal(1, verify.ExitCode);
        Assert.Contains($"record {seq}", verify.Error, StringComparison.Ordinal);
        Assert.Contains(what, verify.Error, StringComparison.Ordinal);
    }

    /// <summary>The tampered hub, and the size of its log before the tampering.</summary>
    private sealed record Tampered(HubFactory Hub, long Size) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Hub.DisposeAsync();
    }
}
