using System.Text;
using Informatiedeling.Protection;
using Informatiedeling.Storage.Cases;
using Informatiedeling.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Informatiedeling.Hub.Tests.ClientFile;

/// <summary>
/// What a database administrator, a stolen backup or a leaked dump sees: no personal value, on either engine,
/// and after crypto-shredding not even an old dump can be read again.
/// </summary>
public sealed class AtRestTests
{
    private static readonly Dictionary<string, string?> TraceEverything = new()
    {
        ["Logging:LogLevel:Default"] = "Trace",
        ["Logging:LogLevel:Microsoft"] = "Trace",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
    };

    [Fact]
    public async Task No_marker_value_is_in_the_sqlite_files_or_the_logs()
    {
        var marker = ClientFiles.NewMarker();
        await using var hub = HubFactory.OnSqlite(TraceEverything);
        var data = hub.DataDirectory;
        await WriteAndReadMarkedCasesAsync(hub, marker);
        var logs = hub.Logs.All;

        var files = Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.EndsWith("informatiedeling.db", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("keys.db", StringComparison.Ordinal));
        foreach (var file in files)
        {
            AssertAbsent(await File.ReadAllBytesAsync(file), marker, file);
        }

        Assert.Contains("Executed DbCommand", logs, StringComparison.Ordinal); // the capture saw the database traffic
        Assert.DoesNotContain(marker, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("Van Houten-Marker", logs, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task No_marker_value_is_in_a_pg_dump_of_either_database_or_the_logs()
    {
        var server = await PostgresServer.SharedAsync();
        var marker = ClientFiles.NewMarker();
        await using var hub = await HubFactory.OnPostgresAsync(extra: TraceEverything);
        await WriteAndReadMarkedCasesAsync(hub, marker);

        var database = new NpgsqlConnectionStringBuilder(hub.ConnectionString).Database!;
        foreach (var (name, table) in new[] { (database, "INSERT INTO public.case_fields"), (database + "_keys", "INSERT INTO public.case_keys") })
        {
            var dump = await server.ToolAsync("pg_dump", "-h", "127.0.0.1", "-p", Port(server), "-U", "postgres", "--inserts", name);
            Assert.Contains(table, dump, StringComparison.Ordinal);
            Assert.True(dump.Length > 1000, $"dump of {name} is suspiciously small");
            AssertAbsent(Encoding.UTF8.GetBytes(dump), marker, name);
            Assert.DoesNotContain("Van Houten-Marker", dump, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain(marker, hub.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dump_taken_before_shredding_and_restored_afterwards_cannot_be_read()
    {
        var server = await PostgresServer.SharedAsync();
        var certificate = HubFactory.SharedCertificatePath();
        var original = await server.CreateDatabaseAsync("shred");
        var keysConnection = new NpgsqlConnectionStringBuilder(original) { Database = new NpgsqlConnectionStringBuilder(original).Database + "_keys" }.ConnectionString;
        var marker = ClientFiles.NewMarker();

        Informatiedeling.Cases.CasePseudonym pseudonym;
        string dumpFile = Path.Combine(TestRun.CreateTempSubdirectory("infodeel-dump-").FullName, "before.sql");
        await using (var hub = await HubFactory.OnPostgresAsync(original, certificatePath: certificate))
        {
            var store = hub.Store();
            pseudonym = await store.CreateAsync("melding", null, ClientFiles.SampleFields(marker), CancellationToken.None);
            Assert.All((await store.ReadAllAsync(pseudonym)).Values, f => Assert.Equal(FieldReadStatus.Ok, f.Status));

            // The backup: a full dump of the case database, taken while the data was still readable.
            var dump = await server.ToolAsync("pg_dump", "-h", "127.0.0.1", "-p", Port(server), "-U", "postgres", new NpgsqlConnectionStringBuilder(original).Database!);
            await File.WriteAllTextAsync(dumpFile, dump);

            await store.DestroyCategoryAsync(pseudonym, "statisch", CancellationToken.None);
            await store.DestroyCategoryAsync(pseudonym, "exceptioneel", CancellationToken.None);
        }

        // Restore the old dump into a fresh database and point a new hub at it, with the same key store.
        var restored = await server.CreateDatabaseAsync("restored");
        await server.ToolAsync("psql", "-h", "127.0.0.1", "-p", Port(server), "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-d", new NpgsqlConnectionStringBuilder(restored).Database!, "-f", dumpFile);
        await using var fresh = await HubFactory.OnPostgresAsync(restored, new Dictionary<string, string?> { ["ConnectionStrings:Keys"] = keysConnection }, certificate);
        var read = await fresh.Store().ReadAllAsync(pseudonym);

        Assert.NotEmpty(read);
        Assert.All(read.Values.Where(f => f.Category is "statisch" or "exceptioneel"), f =>
        {
            Assert.Equal(FieldReadStatus.Destroyed, f.Status);
            Assert.Null(f.Value);
            Assert.NotNull(f.DestroyedAt);
        });
        Assert.All(read.Values.Where(f => f.Category is "dynamisch" or "strafrechtelijk" or "melder-identiteit"), f => Assert.Equal(FieldReadStatus.Ok, f.Status));
        await using var scope = fresh.Services.CreateAsyncScope();
        Assert.Empty(await scope.ServiceProvider.GetRequiredService<Informatiedeling.Storage.HubDbContext>().CaseShreds.ToListAsync()); // the dump predates the shredding
    }

    private static async Task WriteAndReadMarkedCasesAsync(HubFactory hub, string marker)
    {
        var store = hub.Store();
        for (var i = 0; i < 3; i++)
        {
            var fields = ClientFiles.SampleFields($"{marker}{i}");
            fields["persoon.achternaam"] = $"Van Houten-Marker {marker}";
            var pseudonym = await store.CreateAsync("melding", new PersonKey($"{marker} Van Houten-Marker", new DateOnly(1990, 1, 1 + i)), fields, CancellationToken.None);
            await store.WriteAsync(pseudonym, new Dictionary<string, string> { ["melding.inhoud"] = $"bijgewerkt {marker}" }, CancellationToken.None);
            var read = await store.ReadAllAsync(pseudonym);
            Assert.Equal($"bijgewerkt {marker}", read["melding.inhoud"].Value);
        }

        await Assert.ThrowsAsync<FieldValidationException>(() =>
            store.CreateAsync("melding", null, new Dictionary<string, string> { ["persoon.geboortedatum"] = marker }, CancellationToken.None));
    }

    private static void AssertAbsent(byte[] haystack, string marker, string where)
    {
        foreach (var encoding in new Encoding[] { Encoding.UTF8, Encoding.Unicode, Encoding.BigEndianUnicode })
        {
            var needle = encoding.GetBytes(marker);
            Assert.True(haystack.AsSpan().IndexOf(needle) < 0, $"marker found in plaintext ({encoding.WebName}) in {where}");
        }

        var lower = Encoding.UTF8.GetBytes(marker.ToLowerInvariant());
        Assert.True(haystack.AsSpan().IndexOf(lower) < 0, $"lowercased marker found in {where}");
    }

    private static string Port(PostgresServer server) => server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
