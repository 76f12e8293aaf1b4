using System.Data.Common;
using System.Globalization;
using Informatiedeling.AccessLog.Merkle;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Storage.AccessLog;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.AccessLog;

/// <summary>
/// A log written before encoding versions 2 and 3 goes on growing in version 3: its version-1 and version-2 leaves stay
/// as they are, and the log of all three verifies, is countersigned, and reads back with each record in the version it
/// was written in.
/// </summary>
public sealed class EncodingVersionTests
{
    public static TheoryData<string> Engines => [.. AccessLogs.Engines];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_log_of_version_1_and_version_2_leaves_followed_by_version_3_leaves_verifies(string engine)
    {
        await using var hub = await AccessLogs.HubAsync(engine);
        var store = hub.Services.GetRequiredService<AccessLogStore>();
        var start = await hub.SizeAsync();
        var old = Enumerable.Range(0, 3).Select(_ => AccessLogs.Decision()).ToList();
        await using (var db = await hub.OpenDatabaseAsync())
        {
            await AppendOldAsync(db, engine, await store.ReadHeadAsync(CancellationToken.None), old, AccessRecordEncoding.Version1);
        }

        var middle = Enumerable.Range(0, 2).Select(_ => AccessLogs.Decision() with { Step = "weging", CaseStatus = AccessRecord.ClosedStatus }).ToList();
        await using (var db = await hub.OpenDatabaseAsync())
        {
            await AppendOldAsync(db, engine, await store.ReadHeadAsync(CancellationToken.None), middle, AccessRecordEncoding.Version2);
        }

        var current = AccessLogs.Decision() with
        {
            Step = "analyse", CaseStatus = AccessRecord.OpenStatus, InvitedUntil = DateTimeOffset.UtcNow.AddDays(7), JustificationGiven = true, Basis = DecisionBasis.Purpose,
        };
        var log = hub.Log();
        Assert.Equal(start + 5, await log.AppendAsync(current, CancellationToken.None));
        await log.AppendManyAsync(2);

        var verify = await hub.InfodeelAsync("verify");
        Assert.True(verify.ExitCode == 0, verify.Error);
        Assert.Contains($"verified {start + 8} records", verify.Output, StringComparison.Ordinal);
        var checkpoint = await hub.InfodeelAsync("checkpoint");
        Assert.True(checkpoint.ExitCode == 0, checkpoint.Error);
        verify = await hub.InfodeelAsync("verify");
        Assert.True(verify.ExitCode == 0, verify.Error);

        // Each record re-encodes, in its own version, to the very leaf stored.
        var stored = new List<StoredLeaf>();
        await store.ReadSnapshotAsync((_, _) => true, row =>
        {
            stored.Add(row);
            return true;
        }, CancellationToken.None);
        Assert.Equal(start + 8, stored.Count);
        foreach (var row in stored)
        {
            var decoded = AccessRecordEncoding.Decode(row.Leaf);
            var expected = row.Seq < start ? decoded.EncodingVersion
                : row.Seq < start + 3 ? AccessRecordEncoding.Version1
                : row.Seq < start + 5 ? AccessRecordEncoding.Version2
                : AccessRecordEncoding.Version3;
            Assert.Equal(expected, decoded.EncodingVersion);
            Assert.Equal(row.Leaf, AccessRecordEncoding.Encode(decoded));
        }

        var back = await store.QueryAsync(new AccessLogQuery { Case = old[1].Case }, CancellationToken.None);
        var first = Assert.Single(back);
        Assert.Equal(AccessRecordEncoding.Version1, first.EncodingVersion);
        Assert.Equal(old[1].Id, first.Record.Id);
        Assert.Null(first.Record.Step);
        var two = Assert.Single(await store.QueryAsync(new AccessLogQuery { Case = middle[0].Case }, CancellationToken.None));
        Assert.Equal(AccessRecordEncoding.Version2, two.EncodingVersion);
        Assert.Equal("weging", two.Record.Step);
        Assert.Null(two.Record.Basis);
        var second = Assert.Single(await store.QueryAsync(new AccessLogQuery { Case = current.Case }, CancellationToken.None));
        Assert.Equal(AccessRecordEncoding.Version, second.EncodingVersion);
        Assert.Equal("analyse", second.Record.Step);
        Assert.Equal(AccessRecord.OpenStatus, second.Record.CaseStatus);
        Assert.Equal(current.InvitedUntil!.Value.UtcTicks, second.Record.InvitedUntil!.Value.UtcTicks);
        Assert.True(second.Record.JustificationGiven);
        Assert.Equal(DecisionBasis.Purpose, second.Record.Basis);
    }

    /// <summary>
    /// Appends <paramref name="records"/> as the hub did before a later version: the rows the store writes, with the leaf
    /// in <paramref name="version"/>, and the head moved over them, in one transaction.
    /// </summary>
    private static async Task AppendOldAsync(DbConnection db, string engine, LogHead head, IReadOnlyList<AccessRecord> records, byte version)
    {
        var recordedAt = DateTimeOffset.UtcNow;
        object at = engine == "sqlite" ? recordedAt.ToString("yyyy-MM-dd HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture) : recordedAt;
        var accumulator = head.Restore();
        await using var transaction = await db.BeginTransactionAsync();
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var seq = head.Size + i;
            var leaf = AccessRecordEncoding.Encode(version, seq, recordedAt, record);
            var hash = MerkleHash.LeafHash(leaf);
            accumulator.Append(hash);
            await using var insert = db.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO access_log (seq, recorded_at, leaf, leaf_hash, event_kind, case_pseudonym, partner, purpose, decision, user_id, rule, emergency)
                VALUES (@seq, @at, @leaf, @hash, @kind, @case, @partner, @purpose, @decision, @user, @rule, @emergency)
                """;
            Add(insert, "seq", seq);
            Add(insert, "at", at);
            Add(insert, "leaf", leaf);
            Add(insert, "hash", hash);
            Add(insert, "kind", AccessLogNames.Kind(record.Kind));
            Add(insert, "case", record.Case!.Value.Value);
            Add(insert, "partner", record.ActorPartner!.Value.Value);
            Add(insert, "purpose", record.Purpose!.Value.Value);
            Add(insert, "decision", AccessLogNames.Decision(record.Decision));
            Add(insert, "user", record.ActorUser!);
            Add(insert, "rule", record.Rule!);
            Add(insert, "emergency", record.Emergency);
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }

        await using var update = db.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE access_log_head SET size = @size, subtree_roots = @roots, updated_at = @at WHERE id = 1";
        Add(update, "size", accumulator.Size);
        Add(update, "roots", accumulator.CopySubtreeRoots());
        Add(update, "at", at);
        Assert.Equal(1, await update.ExecuteNonQueryAsync());
        await transaction.CommitAsync();
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
