using System.Diagnostics;
using System.Globalization;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Policy.Loading;
using Informatiedeling.Policy.Replay;
using Informatiedeling.Storage;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Informatiedeling.Benchmarks.PolicyReplay;

/// <summary>
/// Replays a million recorded decisions from PostgreSQL under a proposed policy set: a throw-away server is filled with
/// decisions decided by the reference set (encoding version 3, every basis, every partner and purpose), and the replay
/// (read, decode, decide under the version in force and under the proposal) is timed against two floors in the same run:
/// reading the same rows, and reading and decoding them without deciding. Target: 1,000,000 decisions within 10 s.
/// </summary>
internal static class PolicyReplayLoad
{
    public const int DefaultRecords = 1_000_000;
    private const int BatchSize = 10_000;
    private const int Rounds = 3;
    private const double TargetSeconds = 10;
    private static readonly TimeSpan Span = TimeSpan.FromDays(30);

    public static async Task<int> RunAsync(TextWriter output, int records)
    {
        await output.WriteLineAsync($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average {LoadAverage()}");
        var loaded = PolicyLoader.LoadFiles(RepositoryPaths.Convenant, RepositoryPaths.Policies);
        if (!loaded.Succeeded)
        {
            await output.WriteLineAsync($"the reference policy set is refused: {loaded.Errors[0]}");
            return 1;
        }

        var engine = PolicyEngine.Compile(loaded.Set!);
        var proposal = Proposal();
        if (proposal is null)
        {
            await output.WriteLineAsync("the proposal (politie taken out of doel-signalering-en-weging) does not load");
            return 1;
        }

        var data = Directory.CreateTempSubdirectory("infodeel-bench-").FullName;
        try
        {
            await using var server = await PostgresServer.StartAsync(durable: false);
            var connection = await server.CreateDatabaseAsync("replay");
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
            var start = DateTimeOffset.UtcNow - Span;
            var batches = (records + BatchSize - 1) / BatchSize;
            var step = Span / batches;
            var seed = new Decisions(engine);
            var seeding = Stopwatch.StartNew();
            for (var b = 0; b < batches; b++)
            {
                var at = start + (step * b);
                await store.AppendBatchAsync(seed.Batch(Math.Min(BatchSize, records - (b * BatchSize)), at), at, CancellationToken.None);
            }

            var seeded = seeding.Elapsed;
            await Execute(connection, "VACUUM ANALYZE access_log");
            var table = await Scalar(connection, "SELECT pg_size_pretty(pg_table_size('access_log'))");
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"PostgreSQL (throw-away, fsync off, which only the fill would feel): {records:N0} decisions appended in {seeded.TotalSeconds:F1} s through AccessLogStore.AppendBatchAsync over {Span.TotalDays:F0} days; table {table}"));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  by basis: {string.Join(", ", seed.ByBasis.Select(p => $"{p.Key} {p.Value:N0}"))}; plus {seed.WithoutBasis:N0} records without basis (errors)"));

            var (from, to) = (start, DateTimeOffset.UtcNow.AddMinutes(1));
            Func<string, PolicyEngine?> versions = hash => hash == engine.Set.ContentHash ? engine : null;

            // Warm the cache once, so that no variant pays for reading the table from disk first.
            await ReadRowsAsync(connection, store, from, to);
            var timings = new Dictionary<string, List<double>>(StringComparer.Ordinal) { ["read rows"] = [], ["read + decode"] = [], ["replay (read + decode + decide twice)"] = [] };
            ImpactReport? report = null;
            for (var round = 0; round < Rounds; round++)
            {
                // Each round in another order, so that none is always first.
                for (var turn = 0; turn < 3; turn++)
                {
                    var clock = Stopwatch.StartNew();
                    switch ((round + turn) % 3)
                    {
                        case 0:
                            await ReadRowsAsync(connection, store, from, to);
                            timings["read rows"].Add(clock.Elapsed.TotalSeconds);
                            break;
                        case 1:
                            var count = 0L;
                            await foreach (var record in store.StreamDecisionsAsync(from, to, CancellationToken.None))
                            {
                                count += record.Seq & 1;
                            }

                            timings["read + decode"].Add(clock.Elapsed.TotalSeconds);
                            break;
                        default:
                            report = await DecisionReplay.RunAsync(store.StreamDecisionsAsync(from, to, CancellationToken.None), versions, proposal, from, to);
                            timings["replay (read + decode + decide twice)"].Add(clock.Elapsed.TotalSeconds);
                            break;
                    }
                }
            }

            foreach (var (name, seconds) in timings)
            {
                seconds.Sort();
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-40} median {seconds[seconds.Count / 2]:F2} s, best {seconds[0]:F2} s, worst {seconds[^1]:F2} s ({records / seconds[seconds.Count / 2]:N0} records/s)"));
            }

            var replay = timings["replay (read + decode + decide twice)"][Rounds / 2];
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"report: scanned {report!.Scanned:N0}, replayed {report.Replayed:N0} ({string.Join(", ", report.ReplayedByBasis.Select(p => $"{p.Key} {p.Value:N0}"))}), not replayable {report.NotReplayable.Total:N0}, " +
                $"mismatches {report.Reproduction.Mismatches:N0}, trusted {report.Trusted}; under the proposal: permit->deny {report.Proposal.Total.PermitToDeny:N0}, deny->permit {report.Proposal.Total.DenyToPermit:N0}, " +
                $"categories changed {report.Proposal.Total.CategoriesChanged:N0}, unchanged {report.Proposal.Total.Unchanged:N0}"));
            var met = replay <= TargetSeconds * records / DefaultRecords && report.Trusted;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"target: {records:N0} decisions replayed within {TargetSeconds * records / DefaultRecords:F1} s: {(met ? "met" : "NOT met")} (median {replay:F2} s); load average {LoadAverage()}"));
            return met ? 0 : 1;
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>The known edit: politie no longer reads under signalering-en-weging.</summary>
    private static PolicyEngine? Proposal()
    {
        var convenant = new PolicySource("convenant.yaml", File.ReadAllText(RepositoryPaths.Convenant));
        var policies = Directory.EnumerateFiles(RepositoryPaths.Policies, "*.yaml").Order(StringComparer.Ordinal)
            .Select(f => new PolicySource(Path.GetFileName(f), File.ReadAllText(f)))
            .Select(p => p.Path == "purposes.yaml"
                ? p with { Text = p.Text.Replace("partners: [veilig-thuis, zvh, politie, zorgcoordinatie]", "partners: [veilig-thuis, zvh, zorgcoordinatie]", StringComparison.Ordinal) }
                : p)
            .ToList();
        var result = PolicyLoader.Load(convenant, policies);
        return result.Succeeded ? PolicyEngine.Compile(result.Set!) : null;
    }

    /// <summary>The floor: the same rows the replay streams, their leaves read and not decoded.</summary>
    private static async Task<long> ReadRowsAsync(string connection, AccessLogStore store, DateTimeOffset from, DateTimeOffset to)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        var (lo, hi) = await store.SeqWindowAsync(db, from, to, CancellationToken.None);
        await using var command = db.CreateCommand();
        command.CommandText =
            "SELECT leaf FROM access_log WHERE seq >= @windowLo AND seq < @windowHi AND recorded_at >= @from AND recorded_at < @before " +
            "AND event_kind IN ('access-decision', 'legal-hold') ORDER BY seq";
        command.Parameters.AddWithValue("windowLo", lo);
        command.Parameters.AddWithValue("windowHi", hi);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("before", to);
        var bytes = 0L;
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess);
        while (await reader.ReadAsync())
        {
            bytes += reader.GetFieldValue<byte[]>(0).Length;
        }

        return bytes;
    }

    private static async Task Execute(string connection, string sql)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> Scalar(string connection, string sql)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) ?? "";
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>
    /// Decisions as the gate records them, decided by the reference engine: 70 % reads under a purpose (some naming
    /// categories, some with a justification, some by invited shell partners), 12 % actions, 10 % standing, 5 % figures,
    /// 3 % errors without a basis. Every partner, role, step and purpose of the convenant; the same run, the same log.
    /// </summary>
    private sealed class Decisions(PolicyEngine engine)
    {
        private readonly Random _random = new(16);
        private readonly Vocabulary _v = engine.Vocabulary;
        private readonly string?[] _roles = [null, "R", "A", "S", "C", "I", "R", "A", "S"];

        public Dictionary<string, long> ByBasis { get; } = new(StringComparer.Ordinal);

        public long WithoutBasis { get; private set; }

        public List<AccessRecord> Batch(int count, DateTimeOffset recordedAt)
        {
            var batch = new List<AccessRecord>(count);
            for (var i = 0; i < count; i++)
            {
                batch.Add(Next(recordedAt.AddMilliseconds(-_random.Next(1, 2_000))));
            }

            return batch;
        }

        private AccessRecord Next(DateTimeOffset at)
        {
            var v = _v;
            var partner = v.Partners.Names[_random.Next(v.Partners.Count)];
            var role = _roles[_random.Next(_roles.Length)];
            var step = v.Steps.Names[_random.Next(v.Steps.Count)];
            var status = _random.Next(10) == 0 ? AccessRecord.ClosedStatus : AccessRecord.OpenStatus;
            DateTimeOffset? invitedUntil = _random.Next(5) == 0 ? at.AddDays(_random.Next(-3, 10)) : null;
            var record = new AccessRecord
            {
                Id = Guid.CreateVersion7(),
                Kind = AccessEventKind.AccessDecision,
                OccurredAt = at,
                TraceId = ActivityTraceId.CreateRandom(),
                SpanId = ActivitySpanId.CreateRandom(),
                ActorUser = $"{partner}-{_random.Next(200):D3}",
                ActorPartner = PartnerId.TryParse(partner, out var id) ? id : null,
                Role = role,
                Case = CasePseudonym.New(),
                Step = step,
                CaseStatus = status,
                InvitedUntil = invitedUntil,
                PolicySetHash = engine.Set.ContentHash,
            };
            var roll = _random.Next(100);
            Role? parsed = Roles.TryParse(role, out var r) ? r : null;
            var caseStatus = status == AccessRecord.ClosedStatus ? CaseStatus.Closed : CaseStatus.Open;
            if (roll < 70)
            {
                var purpose = v.Purposes.Names[_random.Next(v.Purposes.Count)];
                IReadOnlyList<string>? categories = _random.Next(3) == 0 ? [v.Categories.Names[_random.Next(v.Categories.Count)]] : null;
                var justified = purpose == "acute-veiligheid" && _random.Next(4) != 0;
                var d = DecisionInput.Decide(engine, partner, role, step, status, purpose, categories, at, invitedUntil, justified ? "reden" : null);
                return Count(record with
                {
                    Operation = "case.read",
                    Purpose = PurposeId.TryParse(purpose, out var u) ? u : null,
                    CategoriesRequested = Names(d.Requested),
                    CategoriesReleased = Names(d.Permitted),
                    CategoriesWithheld = Names(d.Denied),
                    Decision = d.Outcome switch { DecisionOutcome.Permit => AccessDecision.Permit, DecisionOutcome.Partial => AccessDecision.Partial, _ => AccessDecision.Deny },
                    Rule = d.Rule.RuleId,
                    Article = d.Rule.Article,
                    JustificationGiven = justified,
                    Emergency = justified,
                    Basis = DecisionBasis.Purpose,
                });
            }

            if (roll < 82)
            {
                var action = v.Actions.Names[_random.Next(v.Actions.Count)];
                var decided = CaseDecisions.OnCase(engine, id, parsed, step, caseStatus, action, at, invitedUntil, tryHeldRoles: true, needsStanding: false, out var actedAs);
                return Count(record with
                {
                    Operation = "case.action",
                    Role = actedAs?.Name(),
                    Decision = decided.Permitted ? AccessDecision.Permit : AccessDecision.Deny,
                    Rule = decided.Rule.RuleId,
                    Basis = DecisionBasis.Action(action),
                });
            }

            if (roll < 92)
            {
                var standing = engine.DecideStanding(id, parsed, at, invitedUntil);
                return Count(record with
                {
                    Operation = "case.summary",
                    Decision = standing.Permitted ? AccessDecision.Permit : AccessDecision.Deny,
                    Rule = standing.Rule.RuleId,
                    Basis = DecisionBasis.Standing,
                });
            }

            if (roll < 97)
            {
                var purpose = v.Purposes.Names[_random.Next(v.Purposes.Count)];
                var figures = CaseDecisions.Figures(engine, partner, purpose, at);
                return Count(record with
                {
                    Operation = "monitoring.read",
                    Role = null,
                    Case = null,
                    Step = null,
                    CaseStatus = null,
                    InvitedUntil = null,
                    Purpose = PurposeId.TryParse(purpose, out var u) ? u : null,
                    Decision = figures.Permitted ? AccessDecision.Permit : AccessDecision.Deny,
                    Rule = figures.Rule.RuleId,
                    Basis = DecisionBasis.Figures,
                });
            }

            WithoutBasis++;
            return record with { Operation = "case.write", Decision = AccessDecision.Error };
        }

        private AccessRecord Count(AccessRecord record)
        {
            var key = DecisionBasis.Parse(record.Basis).Kind.ToString().ToLowerInvariant();
            ByBasis[key] = ByBasis.GetValueOrDefault(key) + 1;
            return record;
        }

        private string[] Names(ulong bits) =>
            [.. Enumerable.Range(0, _v.Categories.Count).Where(c => (bits & (1UL << c)) != 0).Select(c => _v.Categories.Names[c])];
    }
}
