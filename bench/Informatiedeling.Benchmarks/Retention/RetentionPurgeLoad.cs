using System.Diagnostics;
using System.Globalization;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Loading;
using Informatiedeling.Storage;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Cases;
using Informatiedeling.Storage.Retention;
using Informatiedeling.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Informatiedeling.Benchmarks.Retention;

/// <summary>
/// The purge on a real PostgreSQL with durable commits: 10,000 closed cases whose every category has expired, each with
/// a field in every category under its own keys, purged by one run (Purge record in the access log, keys destroyed,
/// ciphertexts deleted, purge recorded and noticed). A console mode: what is measured is one run against a server.
/// </summary>
internal static class RetentionPurgeLoad
{
    private const int Cases = 10_000;
    private const int BatchSize = 200;

    public static async Task<int> RunAsync(TextWriter output)
    {
        await using var server = await PostgresServer.StartAsync(durable: true);
        var connection = await server.CreateDatabaseAsync("benchpurge");
        var data = Directory.CreateTempSubdirectory("infodeel-bench-").FullName;
        var settings = StorageSettings.Resolve("postgresql", connection, data);
        var (certificate, signingKey) = HubSecrets.Create(data);
        await using var services = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(Logger<>))
            .AddHubStorage(settings, new Informatiedeling.Storage.Keys.KeyProtectionSettings(certificate, null))
            .AddAccessLog(AccessLogSettings.Resolve(data, signingKey, null, null))
            .BuildServiceProvider();
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        await services.OpenKeyStoreAsync(CancellationToken.None);
        var loaded = PolicyLoader.LoadFiles(RepositoryPaths.Convenant, RepositoryPaths.Policies);
        if (!services.GetRequiredService<PolicyHolder>().TryReplace(loaded))
        {
            await output.WriteLineAsync($"the reference policy set is refused: {loaded.Errors[0]}");
            return 1;
        }

        await output.WriteLineAsync($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        await output.WriteLineAsync($"load before: {Load()}");
        await output.WriteLineAsync($"PostgreSQL with fsync=on, synchronous_commit=on; {Cases:N0} closed cases, 11 fields in 5 categories each, batches of {BatchSize}");

        var store = services.GetRequiredService<ClientFileStore>();
        var seed = Stopwatch.StartNew();
        var made = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, Cases), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            await store.CreateAsync("melding", new PersonKey($"Persoon {i}", new DateOnly(1980, 1, 1).AddDays(i % 9000)), Fields(i), ct);
            Interlocked.Increment(ref made);
        });
        var factory = services.GetRequiredService<IDbContextFactory<HubDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            var closedAt = DateTimeOffset.UtcNow.AddDays(-800);
            await db.Cases.ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, "closed").SetProperty(c => c.ClosedAt, closedAt).SetProperty(c => c.ClosureReason, "doel-bereikt"));
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"seeded {made:N0} cases in {seed.Elapsed.TotalSeconds:F1} s (not measured)"));

        var purge = services.GetRequiredService<RetentionPurge>();
        var clock = Stopwatch.StartNew();
        var result = await purge.RunAsync("bench", BatchSize, null, CancellationToken.None);
        var elapsed = clock.Elapsed;

        long remaining;
        long purges;
        await using (var db = await factory.CreateDbContextAsync())
        {
            remaining = await db.CaseFields.LongCountAsync();
            purges = await db.CasePurges.LongCountAsync();
        }

        var complete = result.Purged.Count == Cases && remaining == 0 && purges == Cases * 5L;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"purge: {result.Purged.Count:N0} cases, {purges:N0} category purges in {elapsed.TotalSeconds:F1} s = {result.Purged.Count / elapsed.TotalSeconds:N0} cases/s (target <= 30 s); {remaining} ciphertexts left ({(complete ? "complete" : "INCOMPLETE")})"));
        await output.WriteLineAsync($"load after: {Load()}");
        Directory.Delete(data, recursive: true);
        return complete && elapsed <= TimeSpan.FromSeconds(30) ? 0 : 1;
    }

    private static Dictionary<string, string> Fields(int i) => new()
    {
        ["persoon.achternaam"] = $"Achternaam{i}",
        ["persoon.voornamen"] = "Voornaam",
        ["persoon.geboortedatum"] = "1999-04-12",
        ["persoon.adres"] = $"Straat {i}",
        ["melding.inhoud"] = "signaal over uitbuiting in de horeca, melding door buurvrouw",
        ["melding.uitbuitingsvorm"] = "arbeid",
        ["eerste-weging.doorlaatverbod"] = "true",
        ["eerste-weging.dreiging"] = "bedreigd door werkgever",
        ["tweede-weging.verslaving"] = "geen",
        ["voortgang.strafrechtelijk-onderzoek-notities"] = "proces-verbaal opgemaakt",
        ["melding.melder-naam"] = "buurvrouw",
    };

    private static string Load() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";
}
