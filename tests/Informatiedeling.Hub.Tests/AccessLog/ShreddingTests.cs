using System.Text;
using Informatiedeling.Cases;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Keys;
using Informatiedeling.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Informatiedeling.Hub.Tests.AccessLog;

/// <summary>The justification of an emergency release is never stored readable, and shredding the case removes it while the log still verifies.</summary>
public sealed class ShreddingTests
{
    [Fact]
    public async Task The_justification_is_not_in_a_pg_dump_and_destroying_the_case_key_leaves_a_log_that_verifies()
    {
        var server = await PostgresServer.SharedAsync();
        await using var hub = await HubFactory.OnPostgresAsync(extra: new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace" });
        var log = hub.Log();
        var start = await hub.SizeAsync();
        var justifications = hub.Services.GetRequiredService<AccessLogJustifications>();
        var marker = $"JUSTIFICATIE-{Guid.NewGuid():N}";
        var pseudonym = CasePseudonym.New();
        var id = Guid.CreateVersion7();
        var record = AccessLogs.Decision(pseudonym, justification: await justifications.SealAsync(pseudonym, id, marker, CancellationToken.None)) with { Id = id };
        var seq = await log.AppendAsync(record, CancellationToken.None);
        Assert.Equal(start, seq);
        await log.AppendManyAsync(5);
        Assert.Equal(0, (await hub.InfodeelAsync("checkpoint")).ExitCode);

        var database = new NpgsqlConnectionStringBuilder(hub.ConnectionString).Database!;
        foreach (var name in new[] { database, database + "_keys" })
        {
            var dump = await server.ToolAsync("pg_dump", "-h", "127.0.0.1", "-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", "--inserts", name);
            Assert.DoesNotContain(marker, dump, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(marker)), dump, StringComparison.Ordinal);
        }

        Assert.Contains("INSERT INTO public.access_log ", await server.ToolAsync("pg_dump", "-h", "127.0.0.1", "-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", "--inserts", database), StringComparison.Ordinal);
        Assert.DoesNotContain(marker, hub.Logs.All, StringComparison.Ordinal);

        var stored = await log.ReadAsync(new AccessLogQuery { Case = pseudonym }, new LogReader("fg-1", null, "privacy-officer", null), CancellationToken.None);
        var sealedText = stored.Single(r => r.Seq == seq).Record.Justification!;
        Assert.Equal(marker, await justifications.OpenAsync(pseudonym, id, sealedText, CancellationToken.None));

        await hub.Services.GetRequiredService<CaseKeyRing>().DestroyAsync(pseudonym.Value, AccessLogJustifications.KeyCategory, CancellationToken.None);
        Assert.Null(await justifications.OpenAsync(pseudonym, id, sealedText, CancellationToken.None));

        var verify = await hub.InfodeelAsync("verify");
        Assert.True(verify.ExitCode == 0, verify.Error);
        // What the hub started with, the record and five more, and the read above.
        Assert.Contains($"verified {start + 7} records", verify.Output, StringComparison.Ordinal);
    }
}
