using System.Diagnostics;
using System.Globalization;
using Informatiedeling.AccessLog.Checkpoints;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Policy;
using Informatiedeling.Storage;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Informatiedeling.Benchmarks.AccessLog;

/// <summary>
/// The access log on a real PostgreSQL with durable commits (fsync and synchronous commit on): 64 concurrent writers
/// for about ten seconds, then the log filled to one million records and verified from scratch. A plain console
/// mode, because what is measured is sustained throughput against a server, not a microbenchmark.
/// </summary>
internal static class AccessLogLoad
{
    private const int Writers = 64;
    private const long VerifyRecords = 1_000_000;

    public static async Task<int> RunAsync(TextWriter output)
    {
        await using var server = await PostgresServer.StartAsync(durable: true);
        var connection = await server.CreateDatabaseAsync("bench");
        var data = Directory.CreateTempSubdirectory("infodeel-bench-").FullName;
        var settings = StorageSettings.Resolve("postgresql", connection, data);
        await using (var services = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(Logger<>))
            .AddHubStorage(settings)
            .BuildServiceProvider())
        {
            await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        }

        await using var store = new AccessLogStore(settings);
        await output.WriteLineAsync($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        await output.WriteLineAsync($"PostgreSQL with fsync=on, synchronous_commit=on; {Writers} concurrent writers, each awaiting its acknowledgement");

        long appended;
        TimeSpan elapsed;
        await using (var log = new AccessLogWriter(store, TimeProvider.System, NullLogger<AccessLogWriter>.Instance))
        {
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => log.AppendAsync(Sample(), CancellationToken.None))); // warm up
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var count = 0L;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await log.AppendAsync(Sample(), CancellationToken.None);
                    Interlocked.Increment(ref count);
                }
            })));
            elapsed = clock.Elapsed;
            appended = count;
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"append: {appended:N0} records acknowledged in {elapsed.TotalSeconds:F1} s = {appended / elapsed.TotalSeconds:N0} records/s (target >= 20,000)"));

        // Fill to one million through the same batch append (large batches), then verify everything.
        var head = await store.ReadHeadAsync(CancellationToken.None);
        var fill = Stopwatch.StartNew();
        while (head.Size < VerifyRecords)
        {
            var batch = Enumerable.Range(0, (int)Math.Min(10_000, VerifyRecords - head.Size)).Select(_ => Sample()).ToList();
            await store.AppendBatchAsync(batch, DateTimeOffset.UtcNow, CancellationToken.None);
            head = await store.ReadHeadAsync(CancellationToken.None);
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"filled to {head.Size:N0} records in {fill.Elapsed.TotalSeconds:F1} s"));

        using var signer = CheckpointSigner.Generate(AccessLogSettings.KeyName);
        var logSettings = new AccessLogSettings(Path.Combine(data, "key.pem"), TimeSpan.FromMinutes(1));
        await new CheckpointIssuer(store, signer, logSettings, TimeProvider.System).IssueAsync(CancellationToken.None);
        using var verifier = signer.CreateVerifier(logSettings.Origin);
        var verifyClock = Stopwatch.StartNew();
        var result = await new AccessLogVerifier(store, verifier).VerifyAsync([], CancellationToken.None);
        var verifyTime = verifyClock.Elapsed;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"verify: {result.Records:N0} records in {verifyTime.TotalSeconds:F2} s ({(result.Verified ? "verified" : "FAILED: " + result.Message)}) (target <= 10 s)"));
        Directory.Delete(data, recursive: true);
        return result.Verified ? 0 : 1;
    }

    private static AccessRecord Sample() => new()
    {
        Id = Guid.CreateVersion7(),
        Kind = AccessEventKind.AccessDecision,
        OccurredAt = DateTimeOffset.UtcNow,
        TraceId = ActivityTraceId.CreateRandom(),
        SpanId = ActivitySpanId.CreateRandom(),
        ActorUser = "agent-4711",
        ActorPartner = PartnerId.TryParse("politie", out var partner) ? partner : null,
        Role = "R",
        Case = CasePseudonym.New(),
        Purpose = PurposeId.TryParse("zorgcoordinatie", out var purpose) ? purpose : null,
        LegalGround = "art. 6 lid 1 sub e AVG",
        Operation = "client-file.read",
        CategoriesRequested = ["dynamisch", "statisch"],
        CategoriesReleased = ["dynamisch", "statisch"],
        FieldsReleased = ["persoon.adres", "persoon.achternaam", "melding.uitbuitingsvorm"],
        Decision = AccessDecision.Permit,
        Rule = "doel-zorgcoordinatie",
        Article = "3.4",
        PolicySetHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        Sensitivity = Sensitivity.Normal,
    };
}
