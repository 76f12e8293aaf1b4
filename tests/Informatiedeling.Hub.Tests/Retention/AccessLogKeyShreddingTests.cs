using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Hub.Cases;
using Informatiedeling.Hub.Retention;
using Informatiedeling.Hub.Tests.AccessLog;
using Informatiedeling.Storage;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Retention;
using Informatiedeling.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Informatiedeling.Hub.Tests.Retention;

/// <summary>
/// The case's access-log key (<c>toegangslog</c>) seals its emergency justifications and legal-hold reasons; the purge
/// of its last categories destroys it. From then on no copy of the case database opens them with the key store as it
/// is: not the live database, not a dump taken while the hold was in force and restored afterwards. The log itself
/// still verifies. (A copy of the key store taken before the purge is outside what crypto-shredding can undo: key-store
/// backups follow the shortest retention period.)
/// </summary>
public sealed class AccessLogKeyShreddingTests
{
    private static readonly LogReader Officer = new("fg-1", null, "privacy-officer", null);

    private static readonly Dictionary<string, string?> Settings = new() { ["AccessLog:CheckpointInterval"] = "40.00:00:00" };

    public static TheoryData<string> Engines => new(AccessLogs.Engines);

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task After_the_last_purge_no_copy_of_the_case_database_opens_the_justification_or_the_hold_reason_and_the_log_verifies(string engine)
    {
        var server = engine == "postgresql" ? await PostgresServer.SharedAsync() : null;
        var certificate = HubFactory.SharedCertificatePath();
        var development = new Dictionary<string, string?>(Settings) { ["Authentication:DevelopmentIssuer:Enabled"] = "true", ["Keys:CertificatePath"] = certificate };
        var now = DateTimeOffset.UtcNow;
        var clock = new FakeTimeProvider(now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)));
        await using var hub = server is null
            ? HubFactory.OnSqlite(development, "Development", clock)
            : await HubFactory.OnPostgresAsync(extra: development, certificatePath: certificate, environment: "Development", clock: clock);
        using var client = hub.CreateClient();
        var reporter = await TokenAsync(client, "veilig-thuis");
        var prosecutor = await TokenAsync(client, "om");
        var justification = $"RECHTVAARDIGING-{Guid.NewGuid():N}";
        var reason = $"BEWAARREDEN-{Guid.NewGuid():N}";

        var pseudonym = await IntakeAsync(client, reporter);
        using (var emergency = Request(HttpMethod.Get, $"/cases/{pseudonym.Value}/data?purpose=acute-veiligheid", reporter))
        {
            emergency.Headers.Add(CaseEndpoints.JustificationHeader, justification);
            using var response = await client.SendAsync(emergency);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Guid holdId;
        using (var place = Request(HttpMethod.Post, $"/cases/{pseudonym.Value}/holds", prosecutor))
        {
            place.Content = JsonContent.Create(new LegalHoldRequest(reason, clock.GetUtcNow().AddDays(30)));
            using var response = await client.SendAsync(place);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            holdId = (await response.Content.ReadFromJsonAsync<LegalHoldPlaced>())!.Id;
        }

        await CloseAsync(hub, pseudonym, clock.GetUtcNow().AddDays(-800));

        // What every copy of the case database holds: the sealed texts. They open while the case is kept.
        var justifications = hub.Services.GetRequiredService<AccessLogJustifications>();
        var reasons = hub.Services.GetRequiredService<LegalHoldReasons>();
        var record = await JustifiedRecordAsync(hub, pseudonym);
        var hold = (await hub.Services.GetRequiredService<LegalHoldStore>().FindAsync(pseudonym, holdId, CancellationToken.None))!;
        var sealedReason = new SealedReason(hold.ReasonKeyVersion, hold.ReasonCiphertext);
        Assert.Equal(justification, await justifications.OpenAsync(pseudonym, record.Id, record.Justification!, CancellationToken.None));
        Assert.Equal(reason, await reasons.OpenAsync(pseudonym, holdId, sealedReason, CancellationToken.None));

        // The backup, taken while the hold was in force.
        var dump = await DumpAsync(hub, server);

        using (var lift = Request(HttpMethod.Delete, $"/cases/{pseudonym.Value}/holds/{holdId}", prosecutor))
        using (var response = await client.SendAsync(lift))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        Assert.Equal(pseudonym, Assert.Single((await hub.Purge().RunAsync()).Purged).Case);

        Assert.Null(await justifications.OpenAsync(pseudonym, record.Id, record.Justification!, CancellationToken.None));
        Assert.Null(await reasons.OpenAsync(pseudonym, holdId, sealedReason, CancellationToken.None));

        // The dump restored beside the key store as it is now: the ciphertexts are back, the key is not.
        await using (var restored = await RestoreAsync(hub, server, dump, certificate))
        {
            var restoredRecord = await JustifiedRecordAsync(restored, pseudonym);
            Assert.Equal(record.Justification!.Ciphertext.ToArray(), restoredRecord.Justification!.Ciphertext.ToArray());
            Assert.Null(await restored.Services.GetRequiredService<AccessLogJustifications>().OpenAsync(pseudonym, restoredRecord.Id, restoredRecord.Justification!, CancellationToken.None));
            var restoredHold = await restored.Services.GetRequiredService<LegalHoldStore>().FindAsync(pseudonym, holdId, CancellationToken.None);
            Assert.NotNull(restoredHold);
            Assert.Null(await restored.Services.GetRequiredService<LegalHoldReasons>().OpenAsync(
                pseudonym, holdId, new SealedReason(restoredHold.ReasonKeyVersion, restoredHold.ReasonCiphertext), CancellationToken.None));
        }

        var verify = await hub.InfodeelAsync("verify");
        Assert.True(verify.ExitCode == 0, verify.Error);
    }

    private static async Task<AccessRecord> JustifiedRecordAsync(HubFactory hub, CasePseudonym pseudonym)
    {
        var records = await hub.Log().ReadAsync(new AccessLogQuery { Case = pseudonym }, Officer, CancellationToken.None);
        return Assert.Single(records, r => r.Record.Justification is not null).Record;
    }

    private static async Task<string> DumpAsync(HubFactory hub, PostgresServer? server)
    {
        var file = Path.Combine(Informatiedeling.Testing.TestRun.CreateTempSubdirectory("infodeel-dump-").FullName, server is null ? "before-purge.db" : "before-purge.sql");
        if (server is null)
        {
            await using var connection = await hub.OpenDatabaseAsync();
            await connection.ExecuteAsync($"VACUUM INTO '{file}'");
        }
        else
        {
            var database = new Npgsql.NpgsqlConnectionStringBuilder(hub.ConnectionString).Database!;
            await File.WriteAllTextAsync(file, await server.ToolAsync("pg_dump", "-h", "127.0.0.1", "-p", Port(server), "-U", "postgres", database));
        }

        return file;
    }

    /// <summary>A hub on the restored dump and the original hub's key store and key-ring certificate.</summary>
    private static async Task<HubFactory> RestoreAsync(HubFactory original, PostgresServer? server, string dump, string certificate)
    {
        if (server is null)
        {
            var keys = $"Data Source={Path.Combine(original.DataDirectory, "keys.db")}";
            var sqlite = HubFactory.OnSqlite(new Dictionary<string, string?>(Settings) { ["ConnectionStrings:Keys"] = keys, ["Keys:CertificatePath"] = certificate });
            File.Copy(dump, Path.Combine(sqlite.DataDirectory, StorageSettings.DefaultDatabaseFileName));
            return sqlite;
        }

        var restored = await server.CreateDatabaseAsync("shredrestored");
        await server.ToolAsync("psql", "-h", "127.0.0.1", "-p", Port(server), "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-q",
            "-d", new Npgsql.NpgsqlConnectionStringBuilder(restored).Database!, "-f", dump);
        var originalKeys = new Npgsql.NpgsqlConnectionStringBuilder(original.ConnectionString);
        originalKeys.Database += "_keys";
        return await HubFactory.OnPostgresAsync(restored, new Dictionary<string, string?>(Settings) { ["ConnectionStrings:Keys"] = originalKeys.ConnectionString }, certificate);
    }

    private static string Port(PostgresServer server) => server.Port.ToString(CultureInfo.InvariantCulture);

    private static async Task<string> TokenAsync(HttpClient client, string partner)
    {
        using var response = await client.PostAsJsonAsync("/dev/token", new DevelopmentTokenRequest(partner, $"{partner}-user"));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<DevelopmentToken>())!.AccessToken;
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static async Task<CasePseudonym> IntakeAsync(HttpClient client, string token)
    {
        using var request = Request(HttpMethod.Post, "/cases", token);
        request.Content = JsonContent.Create(Cases.Reports.Intake(
            $"Persoon {Guid.NewGuid():N}", new DateOnly(1997, 5, 6),
            new Dictionary<string, string> { ["persoon.achternaam"] = "Jansen", ["melding.inhoud"] = "signaal" }));
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var pseudonym = (await response.Content.ReadFromJsonAsync<IntakeResult>())!.Pseudonym;
        return CasePseudonym.TryParse(pseudonym, out var parsed) ? parsed : throw new InvalidOperationException(pseudonym);
    }

    /// <summary>Test arrangement: closed long ago (the closure route is tested with the lifecycle).</summary>
    private static async Task CloseAsync(HubFactory hub, CasePseudonym pseudonym, DateTimeOffset closedAt)
    {
        await using var db = await hub.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        var row = await db.Cases.SingleAsync(c => c.Pseudonym == pseudonym.Value);
        row.Status = "closed";
        row.Step = "nazorg";
        row.ClosedAt = closedAt;
        row.ClosureReason = "afgerond";
        await db.SaveChangesAsync();
    }
}
