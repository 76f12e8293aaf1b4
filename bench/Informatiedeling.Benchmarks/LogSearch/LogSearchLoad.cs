using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
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
using Npgsql;

namespace Informatiedeling.Benchmarks.LogSearch;

/// <summary>
/// The privacy officer's searches of a large access log, on a durable PostgreSQL (fsync and synchronous commit on).
/// Per size (<c>--records</c>, default 1,000,000): a migrated database whose log is seeded through the real store
/// (<see cref="SeedLog"/>: real records, encoded and hashed by <see cref="AccessLogStore.AppendBatchAsync"/>, in 240
/// batches over 60 days, each batch its own recorded-at) and verified; one case of it taken in through the API, so that
/// its 10,000 records are those of a real case. Then the hub as its own process on that database, and the first page
/// (50, newest first) of each kind of search through <c>GET /access-log/records</c> as the hub's privacy officer (each
/// request also records its own log read), and the same query straight through <see cref="AccessLogStore.QueryAsync"/>:
/// p50, p95 and max of 30 each against the target of 200 ms; the plan (EXPLAIN ANALYZE, through auto_explain) of any
/// query slower than 100 ms (<c>--explain-above</c>). The review queue and the data subject's report are measured when the hub has their routes
/// (200), and reported as not available when it answers 404. Last, the append benchmark of <c>accesslog</c> (64 writers)
/// on three databases in turn: the full schema, the schema without the indexes the search migration added, and the
/// schema as it was before that migration.
/// </summary>
internal static class LogSearchLoad
{
    public static readonly IReadOnlyList<int> DefaultSizes = [1_000_000];
    private const int Batches = 240;
    private const int WarmUp = 3;
    private const int Repetitions = 30;
    private const int ReportRepetitions = 10;
    private const int PageSize = 50;
    private const double SearchTarget = 200;
    private const double ReviewsTarget = 100;
    private const double ReportTarget = 2_000;
    public const double DefaultExplainAbove = 100;
    private const string OfficerPartner = "zvh";
    private const string OfficerUser = "fg-bench";
    private static readonly TimeSpan Span = TimeSpan.FromDays(60);
    private static readonly TimeZoneInfo Amsterdam = TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Amsterdam", out var zone) ? zone : TimeZoneInfo.Utc;

    public static async Task<int> RunAsync(TextWriter output, IReadOnlyList<int> sizes, double explainAbove = DefaultExplainAbove)
    {
        var run = Stopwatch.StartNew();
        await output.WriteLineAsync($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average {LoadAverage()}");
        await using var server = await PostgresServer.StartAsync(durable: true);
        await output.WriteLineAsync("PostgreSQL with fsync=on, synchronous_commit=on, shared_buffers=256MB");
        var met = true;
        foreach (var size in sizes)
        {
            met &= await SearchesAsync(output, server, size, explainAbove);
        }

        met &= await AppendAsync(output, server);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"run: {run.Elapsed.TotalMinutes:F1} min; load average {LoadAverage()}; all targets {(met ? "met" : "NOT met")}"));
        return met ? 0 : 1;
    }

    private static async Task<bool> SearchesAsync(TextWriter output, PostgresServer server, int size, double explainAbove)
    {
        await output.WriteLineAsync();
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"== {size:N0} records =="));
        var connection = await server.CreateDatabaseAsync("logsearch");
        var data = Directory.CreateTempSubdirectory("infodeel-bench-").FullName;
        var settings = StorageSettings.Resolve("postgresql", connection, data);

        // Both hub processes on one data folder: the key ring they make in Development is the one the case was taken in under.
        var hubData = Directory.CreateDirectory(Path.Combine(data, "hub")).FullName;

        // The case the searches are about, taken in through the API, so that it is a real case (the hub migrates the database).
        CasePseudonym hotCase;
        await using (var intakeHub = await HubProcess.StartAsync(HubEnvironment(connection, hubData, checkpoints: "01:00:00"), TimeSpan.FromSeconds(90)))
        {
            using var client = new HttpClient { BaseAddress = intakeHub.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(client, "veilig-thuis", "vt-bench", null));
            using var intake = await client.PostAsJsonAsync("cases", new
            {
                person = new { fullName = "Fictief Bench Persoon", dateOfBirth = "1990-04-12" },
                fields = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["persoon.achternaam"] = "Bench",
                    ["melding.inhoud"] = "Fictief signaal voor de meting van de zoekfuncties van het toegangslog",
                    ["melding.uitbuitingsvorm"] = "arbeid",
                },
            });
            intake.EnsureSuccessStatusCode();
            var pseudonym = (await intake.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pseudonym").GetString()!;
            hotCase = CasePseudonym.TryParse(pseudonym, out var parsed) ? parsed : throw new InvalidOperationException($"intake answered pseudonym '{pseudonym}'");
        }

        var seed = new SeedLog(size, hotCase);
        await using var store = new AccessLogStore(settings);
        var start = DateTimeOffset.UtcNow - Span;
        var step = Span / Batches;
        var perBatch = (size + Batches - 1) / Batches;
        var seeding = Stopwatch.StartNew();
        for (var b = 0; b < Batches; b++)
        {
            var batch = seed.Batch(b * perBatch, perBatch, start + (step * b));
            if (batch.Count > 0)
            {
                await store.AppendBatchAsync(batch, start + (step * b), CancellationToken.None);
            }
        }

        var seeded = seeding.Elapsed;
        var analyze = Stopwatch.StartNew();
        await ExecuteAsync(connection, "ANALYZE access_log");
        var analyzed = analyze.Elapsed;
        var head = await store.ReadHeadAsync(CancellationToken.None);
        var table = await ScalarAsync(connection, "SELECT pg_size_pretty(pg_table_size('access_log'))");
        var indexes = await ScalarAsync(connection, "SELECT pg_size_pretty(pg_indexes_size('access_log'))");
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"seeded {size:N0} records through AccessLogStore.AppendBatchAsync in {Batches} batches of {perBatch:N0} over {Span.TotalDays:F0} days in {seeded.TotalSeconds:F1} s = {size / seeded.TotalSeconds:N0} records/s; ANALYZE {analyzed.TotalSeconds:F1} s; log size {head.Size:N0}; table {table}, indexes {indexes}"));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  {seed.HotCaseRecords:N0} records on case {hotCase.Value} (a real case), {seed.HotEmployeeRecords:N0} by employee {SeedLog.HotPartner}/{SeedLog.HotUser}; {seed.Cases:N0} cases, {SeedLog.Partners.Length} partners x {SeedLog.UsersPerPartner} users, {SeedLog.Purposes.Length} purposes; 0.5 % emergency releases (obligation review), about 9 % denials"));

        using (var signer = CheckpointSigner.Generate(AccessLogSettings.KeyName))
        using (var verifier = signer.CreateVerifier(new AccessLogSettings(Path.Combine(data, "key.pem"), TimeSpan.FromMinutes(1)).Origin))
        {
            var verifying = Stopwatch.StartNew();
            var verification = await new AccessLogVerifier(store, verifier).VerifyAsync([], CancellationToken.None);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"verify: {verification.Records:N0} records in {verifying.Elapsed.TotalSeconds:F1} s: {(verification.Verified ? "verified" : "FAILED: " + verification.Message)}"));
            if (!verification.Verified)
            {
                return false;
            }
        }

        await using var hub = await HubProcess.StartAsync(HubEnvironment(connection, hubData, checkpoints: null), TimeSpan.FromSeconds(90));
        using var api = new HttpClient { BaseAddress = hub.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(api, OfficerPartner, OfficerUser, "privacy-officer"));

        // The hub's first checkpoint signs every record it has not signed yet: waited for, so that it is not in the figures (later ones, every minute, are).
        var waiting = Stopwatch.StartNew();
        while (await ScalarAsync(connection, "SELECT count(*) FROM access_log_checkpoints") == "0" && waiting.Elapsed < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(500);
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"hub (process {hub.ProcessId}) on that database; its first checkpoint after {waiting.Elapsed.TotalSeconds:F0} s; as the hub's privacy officer ({OfficerPartner}, function privacy-officer); {WarmUp} warm-up and {Repetitions} measured requests per search, one at a time, limit {PageSize}"));

        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(start + (Span / 2), Amsterdam).DateTime);
        var dayText = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var all = new AccessLogQuery { NewestFirst = true, Limit = PageSize + 1 };
        var c = hotCase.Value;
        Search[] searches =
        [
            new("case", $"case={c}", all with { Case = hotCase }),
            new("employee (partner+user)", $"partner={SeedLog.HotPartner}&user={SeedLog.HotUser}", all with { Partner = Partner(SeedLog.HotPartner), User = SeedLog.HotUser }),
            new("partner", "partner=veilig-thuis", all with { Partner = Partner("veilig-thuis") }),
            new($"day {dayText}", $"from={dayText}&to={dayText}", all with { RecordedFrom = StartOf(day), RecordedBefore = StartOf(day.AddDays(1)) }),
            new("denials (kind+decision)", "kind=access-decision&decision=deny", all with { Kind = AccessEventKind.AccessDecision, Decision = AccessDecision.Deny }),
            new("purpose", "purpose=evaluatie", all with { Purpose = PurposeId.TryParse("evaluatie", out var p) ? p : null }),
            new("rule", "rule=dossier-gesloten", all with { Rule = "dossier-gesloten" }),
            new("emergency", "emergency=true", all with { Emergency = true }),
            new("case+partner+decision", $"case={c}&partner=zorgcoordinatie&decision=deny", all with { Case = hotCase, Partner = Partner("zorgcoordinatie"), Decision = AccessDecision.Deny }),
        ];

        var met = true;
        var slow = new List<Search>();
        await output.WriteLineAsync("search                        HTTP GET /access-log/records          | AccessLogStore.QueryAsync            | rows | target 200 ms (p95, HTTP)");
        foreach (var search in searches)
        {
            var http = new List<double>();
            var rows = 0;
            for (var i = 0; i < WarmUp + Repetitions; i++)
            {
                var (elapsed, status, body) = await GetAsync(api, $"access-log/records?{search.Query}&limit={PageSize}");
                if (status != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"{search.Name}: {(int)status} {body}");
                }

                rows = JsonDocument.Parse(body).RootElement.GetProperty("records").GetArrayLength();
                if (i >= WarmUp)
                {
                    http.Add(elapsed);
                }
            }

            var direct = new List<double>();
            for (var i = 0; i < WarmUp + Repetitions; i++)
            {
                var clock = Stopwatch.StartNew();
                _ = await store.QueryAsync(search.Direct, CancellationToken.None);
                if (i >= WarmUp)
                {
                    direct.Add(clock.Elapsed.TotalMilliseconds);
                }
            }

            http.Sort();
            direct.Sort();
            var ok = Quantile(http, 0.95) <= SearchTarget;
            met &= ok;
            if (Quantile(http, 0.95) > explainAbove || Quantile(direct, 1) > explainAbove)
            {
                slow.Add(search);
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{search.Name,-29} {Figures(http)} | {Figures(direct)} | {rows,4} | {(ok ? "met" : "NOT met")}"));
        }

        met &= await HookAsync(output, api, "review queue GET /access-log/reviews", "access-log/reviews", ReviewsTarget, Repetitions);
        met &= await HookAsync(output, api, $"subject report of the {seed.HotCaseRecords:N0}-record case", $"access-log/subject-report?case={c}", ReportTarget, ReportRepetitions);

        foreach (var search in slow)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"plan of '{search.Name}' (HTTP p95 or the store's slowest above {explainAbove:F0} ms), EXPLAIN ANALYZE of the store's query:"));
            await output.WriteLineAsync(await ExplainAsync(server, connection, data, search.Direct));
        }

        var reads = await ScalarAsync(connection, "SELECT count(*) FROM access_log WHERE event_kind = 'log-read' AND user_id = '" + OfficerUser + "'");
        await output.WriteLineAsync($"the searches recorded {reads} log reads of their own; load average {LoadAverage()}");
        Directory.Delete(data, recursive: true);
        return met;
    }

    /// <summary>A route that may not be on this hub yet: measured when it answers 200, not available when 404.</summary>
    private static async Task<bool> HookAsync(TextWriter output, HttpClient api, string name, string path, double target, int repetitions)
    {
        var (_, status, body) = await GetAsync(api, path);
        if (status == HttpStatusCode.NotFound)
        {
            await output.WriteLineAsync($"{name,-29} not available (404: no such route on this hub yet)");
            return true;
        }

        if (status != HttpStatusCode.OK)
        {
            await output.WriteLineAsync($"{name,-29} FAILED: answered {(int)status} {body[..Math.Min(body.Length, 300)]}");
            return false;
        }

        var times = new List<double>();
        for (var i = 0; i < 1 + repetitions; i++)
        {
            var (elapsed, again, _) = await GetAsync(api, path);
            if (again != HttpStatusCode.OK)
            {
                await output.WriteLineAsync($"{name,-29} FAILED: answered {(int)again} on repetition {i}");
                return false;
            }

            if (i >= 1)
            {
                times.Add(elapsed);
            }
        }

        times.Sort();
        var met = Quantile(times, 0.95) <= target;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{name,-29} {Figures(times)} | {body.Length / 1024.0:N0} KiB | target {target:N0} ms (p95): {(met ? "met" : "NOT met")}"));
        return met;
    }

    /// <summary>
    /// The append benchmark of <c>accesslog</c> (64 writers through <see cref="AccessLogWriter"/>, each awaiting its
    /// acknowledgement) on two databases of the same server, in turn, six rounds each begun by the next variant: A the full
    /// schema; B the indexes as they were before migration 202612020040 (without the partial index of emergency releases
    /// it added; the columns it added stay, as a copy of the leaf costs what it costs either way).
    /// </summary>
    private static async Task<bool> AppendAsync(TextWriter output, PostgresServer server)
    {
        const int writers = 64;
        const int rounds = 6;
        var warmUp = TimeSpan.FromSeconds(1);
        var window = TimeSpan.FromSeconds(4);
        (string Name, string Ddl)[] variants =
        [
            ("A full schema", ""),
            ("B indexes before 202612020040", "DROP INDEX ix_access_log_emergency_seq;"),
        ];

        await output.WriteLineAsync();
        await output.WriteLineAsync($"== append: {writers} concurrent writers, each awaiting its acknowledgement; A and B in turn, {rounds} rounds (each begun by the next variant) of {warmUp.TotalSeconds:F0} s warm-up and {window.TotalSeconds:F0} s each, from an empty log ==");
        var seed = new SeedLog(1_000_000, CasePseudonym.New());
        var stores = new List<(string Name, AccessLogStore Store, AccessLogWriter Writer, List<(long Count, TimeSpan Elapsed)> Rounds)>();
        try
        {
            foreach (var (name, ddl) in variants)
            {
                var connection = await server.CreateDatabaseAsync("append");
                var settings = StorageSettings.Resolve("postgresql", connection, Path.GetTempPath());
                await using (var services = new ServiceCollection()
                    .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
                    .AddSingleton(typeof(ILogger<>), typeof(Logger<>))
                    .AddHubStorage(settings)
                    .BuildServiceProvider())
                {
                    await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
                }

                if (ddl.Length > 0)
                {
                    await ExecuteAsync(connection, ddl);
                }

                var indexes = await ScalarAsync(connection, "SELECT string_agg(indexname, ', ' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'access_log'");
                await output.WriteLineAsync($"{name}: {indexes}");
                var store = new AccessLogStore(settings);
                stores.Add((name, store, new AccessLogWriter(store, TimeProvider.System, NullLogger<AccessLogWriter>.Instance), []));
            }

            for (var round = 0; round < rounds; round++)
            {
                // Each round begins with the next variant (A B C, B C A, C A B, …), so that none is always measured first or last.
                var line = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"round {round + 1}:"));
                for (var turn = 0; turn < stores.Count; turn++)
                {
                    var (name, _, writer, results) = stores[(round + turn) % stores.Count];
                    await WriteAsync(writer, seed, writers, warmUp);
                    var (count, elapsed) = await WriteAsync(writer, seed, writers, window);
                    results.Add((count, elapsed));
                    line.Append(string.Create(CultureInfo.InvariantCulture, $" {name[0]} {count / elapsed.TotalSeconds:N0}/s"));
                }

                line.Append(", load average ").Append(LoadAverage());
                await output.WriteLineAsync(line.ToString());
            }

            var rates = stores.Select(s => s.Rounds.Sum(r => r.Count) / s.Rounds.Sum(r => r.Elapsed.TotalSeconds)).ToList();
            for (var i = 0; i < stores.Count; i++)
            {
                var sorted = stores[i].Rounds.Select(r => r.Count / r.Elapsed.TotalSeconds).Order().ToList();
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{stores[i].Name}: {rates[i]:N0} records/s over {rounds} rounds; median round {(sorted[(sorted.Count - 1) / 2] + sorted[sorted.Count / 2]) / 2:N0}/s, slowest {sorted[0]:N0}/s, fastest {sorted[^1]:N0}/s"));
            }

            var againstB = rates[0] / rates[1];
            var met = againstB >= 0.9;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"append with the full schema: {againstB:P0} of the rate without the search migration's index (target >= 90 %): {(met ? "met" : "NOT met")}"));
            return met;
        }
        finally
        {
            foreach (var (_, store, writer, _) in stores)
            {
                await writer.DisposeAsync();
                await store.DisposeAsync();
            }
        }
    }

    private static async Task<(long Count, TimeSpan Elapsed)> WriteAsync(AccessLogWriter log, SeedLog seed, int writers, TimeSpan window)
    {
        using var stop = new CancellationTokenSource(window);
        var count = 0L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            while (!stop.IsCancellationRequested)
            {
                await log.AppendAsync(seed.Spread(random, DateTimeOffset.UtcNow), CancellationToken.None);
                Interlocked.Increment(ref count);
            }
        })));
        return (count, clock.Elapsed);
    }

    /// <summary>
    /// Runs <paramref name="query"/> once more through a store of its own whose connections load auto_explain (every
    /// statement's plan with actual times and buffers, into the server's log), and returns the plan the server logged.
    /// </summary>
    private static async Task<string> ExplainAsync(PostgresServer server, string connection, string data, AccessLogQuery query)
    {
        var explaining = new NpgsqlConnectionStringBuilder(connection)
        {
            Options = "-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0 -c auto_explain.log_analyze=on -c auto_explain.log_buffers=on",
            Pooling = false,
        };
        var log = Path.Combine(Path.GetDirectoryName(server.DataDirectory)!, "server.log");
        var before = new FileInfo(log).Length;
        await using (var store = new AccessLogStore(StorageSettings.Resolve("postgresql", explaining.ConnectionString, data)))
        {
            _ = await store.QueryAsync(query, CancellationToken.None);
        }

        await Task.Delay(200);
        await using var file = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        file.Seek(before, SeekOrigin.Begin);
        using var reader = new StreamReader(file);

        // The log holds a plan per statement of that connection (the driver's own type queries too): the one on access_log is kept.
        var plan = new StringBuilder();
        var block = new StringBuilder();
        var inBlock = false;
        void Keep()
        {
            if (block.ToString().Contains("FROM access_log WHERE", StringComparison.Ordinal))
            {
                plan.Append(block);
            }

            block.Clear();
        }

        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Contains("duration:", StringComparison.Ordinal) && line.Contains("plan:", StringComparison.Ordinal))
            {
                Keep();
                inBlock = true;
                block.Append("  ").AppendLine(line[line.IndexOf("duration:", StringComparison.Ordinal)..]);
            }
            else if (inBlock && (line.StartsWith('\t') || line.StartsWith(' ')))
            {
                block.Append("  ").AppendLine(line.TrimEnd());
            }
            else
            {
                inBlock = false;
            }
        }

        Keep();
        return plan.Length > 0 ? plan.ToString().TrimEnd() : "  (the server logged no plan)";
    }

    private static Dictionary<string, string> HubEnvironment(string connection, string dataDirectory, string? checkpoints)
    {
        var environment = new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = dataDirectory,
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Authentication__DevelopmentIssuer__Enabled"] = "true",
            ["Storage__Provider"] = "postgresql",
            ["ConnectionStrings__Hub"] = connection,
            ["RateLimiting__Burst"] = "1000000",
            ["RateLimiting__PerPeriod"] = "1000000",
            ["RateLimiting__PerAddressBurst"] = "1000000",
            ["RateLimiting__PerAddressPerPeriod"] = "1000000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        if (checkpoints is not null)
        {
            environment["AccessLog__CheckpointInterval"] = checkpoints;
        }

        return environment;
    }

    private static async Task<string> TokenAsync(HttpClient client, string partner, string user, string? function)
    {
        using var answer = await client.PostAsJsonAsync("dev/token", new { partner, user, function });
        answer.EnsureSuccessStatusCode();
        return (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private static async Task<(double Milliseconds, HttpStatusCode Status, string Body)> GetAsync(HttpClient client, string path)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, response.StatusCode, body);
    }

    private static async Task ExecuteAsync(string connection, string sql)
    {
        await using var data = NpgsqlDataSource.Create(connection);
        await using var command = data.CreateCommand(sql);
        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> ScalarAsync(string connection, string sql)
    {
        await using var data = NpgsqlDataSource.Create(connection);
        await using var command = data.CreateCommand(sql);
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) ?? "";
    }

    private static DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Amsterdam.GetUtcOffset(local));
    }

    private static PartnerId? Partner(string id) => PartnerId.TryParse(id, out var partner) ? partner : null;

    private static string Figures(List<double> sorted) => string.Create(CultureInfo.InvariantCulture,
        $"p50 {Quantile(sorted, 0.5),7:F1} ms p95 {Quantile(sorted, 0.95),7:F1} max {Quantile(sorted, 1),7:F1}");

    private static double Quantile(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, Math.Max(0, (int)Math.Ceiling(q * sorted.Count) - 1))];

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>One kind of search: its query string on the route, and the store's query the hub runs for it (limit + 1).</summary>
    private sealed record Search(string Name, string Query, AccessLogQuery Direct);
}
