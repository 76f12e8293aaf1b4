using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Storage.AccessLog;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.AccessLog;

/// <summary>Recording and reading back, the append-only triggers, and the log's verification, on both engines.</summary>
public sealed class AccessLogStoreTests
{
    public static TheoryData<string> Engines => [.. AccessLogs.Engines];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_record_is_read_back_as_written_and_the_read_is_itself_logged(string engine)
    {
        await using var hub = await AccessLogs.HubAsync(engine);
        var log = hub.Log();
        var start = await hub.SizeAsync();
        var pseudonym = CasePseudonym.New();
        var justifications = hub.Services.GetRequiredService<AccessLogJustifications>();
        var id = Guid.CreateVersion7();
        var sealedText = await justifications.SealAsync(pseudonym, id, "Slachtoffer in acuut gevaar", CancellationToken.None);
        var written = AccessLogs.Decision(pseudonym, justification: sealedText) with { Id = id };

        var first = await log.AppendAsync(written, CancellationToken.None);
        var second = await log.AppendAsync(AccessLogs.Decision(), CancellationToken.None);
        Assert.Equal(start, first);
        Assert.Equal(start + 1, second);

        var reader = new LogReader("fg-1", AccessLogs.Partner("zvh"), "privacy-officer", null);
        var read = await log.ReadAsync(new AccessLogQuery { Case = pseudonym }, reader, CancellationToken.None);
        var back = read.First(r => r.Record.Kind == AccessEventKind.AccessDecision);
        Assert.Equal(start, back.Seq);
        Assert.Equal(written.Id, back.Record.Id);
        Assert.Equal(written.TraceId, back.Record.TraceId);
        Assert.Equal(written.SpanId, back.Record.SpanId);
        Assert.Equal(written.CategoriesWithheld, back.Record.CategoriesWithheld);
        Assert.Equal(["eerste-weging.dreiging", "persoon.adres"], back.Record.FieldsReleased);
        Assert.Equal(written.OccurredAt.UtcTicks, back.Record.OccurredAt.UtcTicks);
        Assert.Equal(AccessDecision.Partial, back.Record.Decision);
        Assert.True(back.Record.Emergency);
        Assert.Equal("Slachtoffer in acuut gevaar", await justifications.OpenAsync(pseudonym, id, back.Record.Justification!, CancellationToken.None));
        Assert.Null(await justifications.OpenAsync(pseudonym, Guid.CreateVersion7(), back.Record.Justification!, CancellationToken.None));

        // The read came first: it is on the log, naming the reader and the case asked about.
        var logRead = Assert.Single(read, r => r.Record.Kind == AccessEventKind.LogRead);
        Assert.Equal(start + 2, logRead.Seq);
        Assert.Equal("fg-1", logRead.Record.ActorUser);
        Assert.Equal(pseudonym, logRead.Record.Case);

        var verify = await hub.InfodeelAsync("verify");
        Assert.True(verify.ExitCode == 0, verify.Error);
        Assert.Contains($"verified {start + 3} records", verify.Output, StringComparison.Ordinal);

        // The hub publishes the key witnesses need, and never a record's content in its own logs.
        Assert.Contains("signed by verifier key informatiedeling-toegangslog+", hub.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain("Slachtoffer in acuut gevaar", hub.Logs.All, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Updates_and_deletes_of_the_log_and_its_checkpoints_are_refused_by_the_database(string engine)
    {
        await using var hub = await AccessLogs.HubAsync(engine);
        var start = await hub.SizeAsync();
        await hub.Log().AppendManyAsync(3);
        var checkpoint = await hub.InfodeelAsync("checkpoint");
        Assert.True(checkpoint.ExitCode == 0, checkpoint.Error);

        await using var db = await hub.OpenDatabaseAsync();
        var refused = new List<string>
        {
            $"UPDATE access_log SET event_kind = 'purge' WHERE seq = {start + 1}",
            $"DELETE FROM access_log WHERE seq = {start + 2}",
            "UPDATE access_log_checkpoints SET note = 'x'",
            "DELETE FROM access_log_checkpoints",
        };
        if (engine == "postgresql")
        {
            // Statement-level triggers: refused even when no row matches, and TRUNCATE has no rows at all.
            refused.Add("DELETE FROM access_log WHERE seq = 999");
            refused.Add("TRUNCATE access_log");
            refused.Add("TRUNCATE access_log_checkpoints");
        }

        foreach (var sql in refused)
        {
            var e = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => db.ExecuteAsync(sql));
            Assert.Contains("append-only", e.Message, StringComparison.Ordinal);
        }

        var verify = await hub.InfodeelAsync("verify");
        Assert.True(verify.ExitCode == 0, verify.Error);
        Assert.Contains($"verified {start + 3} records", verify.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task An_inclusion_proof_leads_to_the_signed_root(string engine)
    {
        await using var hub = await AccessLogs.HubAsync(engine);
        var start = await hub.SizeAsync();
        await hub.Log().AppendManyAsync(37);
        long seq = start + 21, size = start + 37;
        var proof = await hub.InfodeelAsync("proof", "--seq", Invariant(seq));
        Assert.True(proof.ExitCode == 0, proof.Error);
        using var json = System.Text.Json.JsonDocument.Parse(proof.Output);
        var path = json.RootElement.GetProperty("inclusionPath").EnumerateArray().Select(e => Convert.FromBase64String(e.GetString()!)).ToList();
        Assert.Equal(seq, json.RootElement.GetProperty("seq").GetInt64());
        Assert.Equal(size, json.RootElement.GetProperty("treeSize").GetInt64());
        Assert.True(Informatiedeling.AccessLog.Merkle.InclusionProof.Verify(
            seq, size, Convert.FromBase64String(json.RootElement.GetProperty("leafHash").GetString()!), path,
            Convert.FromBase64String(json.RootElement.GetProperty("rootHash").GetString()!)));
        Assert.Equal(1, (await hub.InfodeelAsync("proof", "--seq", Invariant(size))).ExitCode);
    }

    private static string Invariant(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
