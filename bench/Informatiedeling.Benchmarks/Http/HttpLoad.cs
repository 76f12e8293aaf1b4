using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Informatiedeling.Testing;
using Npgsql;

namespace Informatiedeling.Benchmarks.Http;

/// <summary>
/// Authorized reads over HTTP: the built hub as its own process on loopback, on a durable PostgreSQL (fsync and
/// synchronous commit on) with its real access log, trusting a real OpenID Connect provider; cases taken in
/// through <c>POST /cases</c> as veilig-thuis and read with <c>GET /cases/{p}/data?purpose=signalering-en-weging</c>
/// by 32 concurrent callers (or <c>--callers N</c>) — each read decrypted, decided by the engine and committed to the access log before
/// it is answered. Then the same load on the floor (<see cref="FloorHost"/>): the same token validation, the same
/// reads of the case row and its fields, one durable insert. Reported: throughput, p50 and p99 of both, and the ratio.
/// Closed-loop callers at saturation measure throughput, but their latency is then queueing (32 callers / throughput);
/// so the same run then offers both a fixed rate (<c>--rate</c>: requests a second, or a percentage of the floor's
/// saturation throughput; default 25 % and 50 %) and reports latency from each request's due time, as wrk2 does.
/// At each rate it also measures what no request can undercut on the machine: the floor's <c>/health/ready</c>
/// (no token, no database: the HTTP round trip alone, "no-op"), and before the load, the disk's flush (<see cref="DiskProbe"/>).
/// </summary>
/// <summary>An offered rate: requests a second, or (<see cref="Percent"/>) a percentage of the floor's saturation throughput.</summary>
internal sealed record OfferedRate(double Value, bool Percent)
{
    /// <summary>A comma-separated list such as <c>1000</c> or <c>25%,50%</c>.</summary>
    public static IReadOnlyList<OfferedRate>? TryParseList(string text)
    {
        var rates = new List<OfferedRate>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var percent = part.EndsWith('%');
            if (!double.TryParse(percent ? part[..^1] : part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0 || (percent && value > 100))
            {
                return null;
            }

            rates.Add(new OfferedRate(value, percent));
        }

        return rates.Count == 0 ? null : rates;
    }

    public override string ToString() => Percent
        ? string.Create(CultureInfo.InvariantCulture, $"{Value:G} % of the floor's saturation throughput")
        : string.Create(CultureInfo.InvariantCulture, $"--rate {Value:G}");
}

internal static class HttpLoad
{
    private const string Partner = "veilig-thuis";
    private const string Purpose = "signalering-en-weging";
    /// <summary>Concurrent callers unless the command line says otherwise (<c>http --callers N</c>).</summary>
    public const int DefaultCallers = 32;
    private const int Cases = 500;
    private const int Rounds = 5;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RoundWarmUp = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(15);
    private const int RateRounds = 3;
    private static readonly TimeSpan RateWarmUp = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan LatencyTarget = TimeSpan.FromMilliseconds(5);

    /// <summary>The offered rates unless the command line says otherwise: a quarter and half the floor's saturation throughput.</summary>
    public static readonly IReadOnlyList<OfferedRate> DefaultRates = [new(25, Percent: true), new(50, Percent: true)];

    public static async Task<int> RunAsync(TextWriter output, int callers = DefaultCallers, IReadOnlyList<OfferedRate>? rates = null)
    {
        rates ??= DefaultRates;
        await using var server = await PostgresServer.StartAsync(durable: true);
        var connection = await server.CreateDatabaseAsync("bench");
        var users = Enumerable.Range(1, callers).Select(i => new OidcTestUser($"vt-bench-{i}", Partner)).ToList();
        await using var provider = await OidcProviderServer.StartAsync(users, accessTokenTtl: 3600);
        var tokens = new List<string>();
        foreach (var user in users)
        {
            tokens.Add(await provider.TokenAsync(user));
        }

        await output.WriteLineAsync($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average {LoadAverage()}");
        await output.WriteLineAsync($"PostgreSQL with fsync=on, synchronous_commit=on; {callers} concurrent callers, keep-alive; {Cases} cases; warm-up {WarmUp.TotalSeconds:F0} s; hub and floor in turns, {Rounds} windows of {(Window / Rounds).TotalSeconds:F0} s each ({RoundWarmUp.TotalSeconds:F0} s warm-up before each later one)");

        await output.WriteLineAsync(DiskProbe.Describe(Path.GetDirectoryName(server.DataDirectory)!));
        var database = CpuMeter.ForPostgres(server.DataDirectory);
        await using var hub = await HubProcess.StartAsync(HubEnvironment(connection, provider.Issuer), TimeSpan.FromSeconds(90));
        using var hubClient = LoadRun.Client(hub.BaseAddress, callers);
        var paths = await SeedAsync(hubClient, tokens[0]);
        await CheckReadAsync(hubClient, tokens[0], paths[0]);
        await output.WriteLineAsync($"hub (process {hub.ProcessId}): {paths.Count} cases taken in");

        await using (var data = NpgsqlDataSource.Create(connection))
        {
            await using var create = data.CreateCommand(FloorHost.TableSql);
            await create.ExecuteNonQueryAsync();
        }

        await using var floor = await FloorProcess.StartAsync(connection, provider.Issuer, OidcProviderServer.Audience, Partner);
        using var floorClient = LoadRun.Client(floor.BaseAddress, callers);
        await output.WriteLineAsync($"floor (process {floor.ProcessId}) started");

        // Hub and floor take turns, a short window each, so that what else runs on the machine weighs on both alike.
        var hubRounds = new List<LoadResult>();
        var floorRounds = new List<LoadResult>();
        for (var round = 0; round < Rounds; round++)
        {
            var warmUp = round == 0 ? WarmUp : RoundWarmUp;
            hubRounds.Add(await LoadRun.RunAsync(hubClient, tokens, paths, warmUp, Window / Rounds, new CpuMeter(hub.ProcessId), database));
            floorRounds.Add(await LoadRun.RunAsync(floorClient, tokens, paths, warmUp, Window / Rounds, new CpuMeter(floor.ProcessId), database));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"round {round + 1}: hub {hubRounds[^1].PerSecond:N0} req/s, floor {floorRounds[^1].PerSecond:N0} req/s, load average {LoadAverage()}"));
        }

        var hubResult = LoadResult.Combine(hubRounds);
        var floorResult = LoadResult.Combine(floorRounds);
        await output.WriteLineAsync($"saturation ({callers} closed-loop callers, each sends when its previous answer is read):");
        await Report(output, "hub   GET /cases/{p}/data (decrypt, decide, access log)", hubResult);
        await Report(output, "floor same token check, same reads, one durable insert", floorResult);
        var ratio = hubResult.PerSecond / floorResult.PerSecond;
        var cpuRatio = (floorResult.CpuPerRequest.Server + floorResult.CpuPerRequest.Database) / (hubResult.CpuPerRequest.Server + hubResult.CpuPerRequest.Database);

        // Fixed offered load: the latency of a read when the hub is not saturated, hub and floor at the same rate.
        var fixedRates = new List<(FixedRateResult Hub, FixedRateResult Floor, FixedRateResult NoOp)>();
        IReadOnlyList<string> noOp = ["/health/ready"];
        foreach (var offered in rates)
        {
            var rate = offered.Percent ? floorResult.PerSecond * offered.Value / 100 : offered.Value;
            var hubFixed = new List<FixedRateResult>();
            var floorFixed = new List<FixedRateResult>();
            var noOpFixed = new List<FixedRateResult>();
            for (var round = 0; round < RateRounds; round++)
            {
                hubFixed.Add(await FixedRateRun.RunAsync(hubClient, tokens, paths, rate, RateWarmUp, RateWindow, new CpuMeter(hub.ProcessId), database));
                floorFixed.Add(await FixedRateRun.RunAsync(floorClient, tokens, paths, rate, RateWarmUp, RateWindow, new CpuMeter(floor.ProcessId), database));
                noOpFixed.Add(await FixedRateRun.RunAsync(floorClient, tokens, noOp, rate, RateWarmUp, RateWindow, new CpuMeter(floor.ProcessId), database));
            }

            fixedRates.Add((FixedRateResult.Combine(hubFixed), FixedRateResult.Combine(floorFixed), FixedRateResult.Combine(noOpFixed)));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"fixed rate {rate:N0} req/s ({offered}; {callers} callers together, {RateRounds} windows of {RateWindow.TotalSeconds:F0} s each side, latency from each request's due time), load average {LoadAverage()}:"));
            await ReportFixed(output, "hub  ", fixedRates[^1].Hub);
            await ReportFixed(output, "floor", fixedRates[^1].Floor);
            await ReportFixed(output, "no-op", fixedRates[^1].NoOp);
        }

        var throughputMet = ratio >= 0.5;
        await output.WriteLineAsync("summary:");
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  throughput: hub {hubResult.PerSecond:N0} req/s = {ratio:P0} of the floor's {floorResult.PerSecond:N0} req/s at saturation, {callers} callers (target >= 50 %): {(throughputMet ? "met" : "NOT met")}; by CPU per request, server and database: {cpuRatio:P0}"));
        var latencyMet = fixedRates.Count > 0;
        foreach (var (hubFixed, floorFixed, noOpFixed) in fixedRates)
        {
            var p99 = hubFixed.FromSchedule.Quantile(0.99);
            var met = p99 <= LatencyTarget && hubFixed.KeptUp && hubFixed.FromSchedule.Failures == 0;
            latencyMet &= met;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  latency at offered {hubFixed.Offered:N0} req/s: hub p50 {hubFixed.FromSchedule.Quantile(0.5).TotalMilliseconds:F2} ms, p99 {p99.TotalMilliseconds:F2} ms (target <= 5 ms): {(met ? "met" : "NOT met")}{(hubFixed.KeptUp ? "" : " (the hub did not keep up with the offered rate)")}; floor p50 {floorFixed.FromSchedule.Quantile(0.5).TotalMilliseconds:F2} ms, p99 {floorFixed.FromSchedule.Quantile(0.99).TotalMilliseconds:F2} ms; no-op p50 {noOpFixed.FromSchedule.Quantile(0.5).TotalMilliseconds:F2} ms, p99 {noOpFixed.FromSchedule.Quantile(0.99).TotalMilliseconds:F2} ms"));
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  at saturation the hub's p99 is {hubResult.Quantile(0.99).TotalMilliseconds:F2} ms: queueing of {callers} callers (mean latency = callers / throughput), not the latency target"));
        await output.WriteLineAsync($"  both targets: {(throughputMet && latencyMet ? "met" : "NOT met")}");
        await output.WriteLineAsync($"load average after the run: {LoadAverage()}");
        var failures = hubResult.Failures + floorResult.Failures + fixedRates.Sum(f => f.Hub.FromSchedule.Failures + f.Floor.FromSchedule.Failures);
        return failures == 0 ? 0 : 1;
    }

    private static Dictionary<string, string> HubEnvironment(string connection, string issuer) => new()
    {
        ["Storage__Provider"] = "postgresql",
        ["ConnectionStrings__Hub"] = connection,
        ["Authentication__Issuers__0__Name"] = Partner,
        ["Authentication__Issuers__0__Issuer"] = issuer,
        ["Authentication__Issuers__0__Audience"] = OidcProviderServer.Audience,
        ["Authentication__Issuers__0__Partners__0"] = Partner,
        ["Authentication__Issuers__0__RequireHttpsMetadata"] = "false",
        // One user per caller, all from loopback, each far below this: the benchmark measures the read, not the rate
        // limiter's refusals.
        ["RateLimiting__Burst"] = "1000000",
        ["RateLimiting__PerPeriod"] = "1000000",
        ["RateLimiting__PerAddressBurst"] = "1000000",
        ["RateLimiting__PerAddressPerPeriod"] = "1000000",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    /// <summary>Takes in <see cref="Cases"/> reports through the real API; returns the read path of each case.</summary>
    private static async Task<List<string>> SeedAsync(HttpClient client, string token)
    {
        var paths = new List<string>(Cases);
        for (var i = 0; i < Cases; i++)
        {
            var report = new
            {
                person = new { fullName = $"Persoon {i:D4} Bench", dateOfBirth = "1990-04-12" },
                fields = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["persoon.achternaam"] = $"Achternaam {i}",
                    ["melding.inhoud"] = "signaal over uitbuiting in de horeca, meerdere keren gezien door de buurvrouw",
                    ["melding.melder-naam"] = "buurvrouw",
                    ["eerste-weging.dreiging"] = "bedreigd",
                },
            };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/cases") { Content = JsonContent.Create(report) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await client.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"intake answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            var pseudonym = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pseudonym").GetString();
            paths.Add($"/cases/{pseudonym}/data?purpose={Purpose}");
        }

        return paths;
    }

    /// <summary>One read before the load: it must release the fields and withhold only the fenced criminal category.</summary>
    private static async Task CheckReadAsync(HttpClient client, string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var withheld = body.TryGetProperty("withheld", out var w) ? w.EnumerateArray().Select(x => x.GetProperty("category").GetString()).ToList() : [];
        if (response.StatusCode != HttpStatusCode.OK || body.GetProperty("fields").EnumerateObject().Count() != 4 || withheld is not ["strafrechtelijk"])
        {
            throw new InvalidOperationException($"the read does not answer as expected: {(int)response.StatusCode} {body}");
        }
    }

    private static Task Report(TextWriter output, string name, LoadResult result) =>
        output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {result.Requests:N0} requests in {result.Window.TotalSeconds:F1} s = {result.PerSecond:N0} req/s, p50 {result.Quantile(0.5).TotalMilliseconds:F2} ms, p99 {result.Quantile(0.99).TotalMilliseconds:F2} ms, max {result.Quantile(1).TotalMilliseconds:F2} ms, non-200: {result.Failures}; CPU per request {result.CpuPerRequest.Server:F0} µs in the server, {result.CpuPerRequest.Database:F0} µs in PostgreSQL"));

    private static Task ReportFixed(TextWriter output, string name, FixedRateResult result) =>
        output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  {name} achieved {result.Achieved:N0} req/s; from due time p50 {result.FromSchedule.Quantile(0.5).TotalMilliseconds:F2} ms, p99 {result.FromSchedule.Quantile(0.99).TotalMilliseconds:F2} ms, max {result.FromSchedule.Quantile(1).TotalMilliseconds:F2} ms; service time (from actual send) p50 {result.ServiceQuantile(0.5).TotalMilliseconds:F2} ms, p99 {result.ServiceQuantile(0.99).TotalMilliseconds:F2} ms; non-200: {result.FromSchedule.Failures}; CPU per request {result.FromSchedule.CpuPerRequest.Server:F0} µs in the server, {result.FromSchedule.CpuPerRequest.Database:F0} µs in PostgreSQL"));

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// <summary>The floor as a process of its own, started from this benchmark's assembly in mode <c>http-floor</c>.</summary>
    private sealed class FloorProcess : IAsyncDisposable
    {
        private readonly Process _process;

        private FloorProcess(Process process, Uri address)
        {
            _process = process;
            BaseAddress = address;
        }

        public Uri BaseAddress { get; }

        public int ProcessId => _process.Id;

        public static async Task<FloorProcess> StartAsync(string connection, string issuer, string audience, string partner)
        {
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(typeof(FloorHost).Assembly.Location);
            foreach (var argument in new[]
            {
                "http-floor", "--urls", $"http://127.0.0.1:{port}", "--Floor:Connection", connection, "--Floor:Issuer", issuer,
                "--Floor:Audience", audience, "--Floor:Partner", partner,
            })
            {
                start.ArgumentList.Add(argument);
            }

            // The same garbage collector as the hub, which as a web project runs the server collector.
            start.Environment["DOTNET_gcServer"] = "1";
            var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the floor");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"floor: {e.Data}"); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var floor = new FloorProcess(process, new Uri($"http://127.0.0.1:{port}/"));
            try
            {
                await floor.WaitReadyAsync();
                return floor;
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                await floor.DisposeAsync();
                throw;
            }
        }

        private async Task WaitReadyAsync()
        {
            using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
            for (var attempt = 0; attempt < 300; attempt++)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"the floor exited with {_process.ExitCode}");
                }

                try
                {
                    using var response = await client.GetAsync(new Uri("health/ready", UriKind.Relative));
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(100);
            }

            throw new TimeoutException("the floor did not start");
        }

        public ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            _process.Dispose();
            return ValueTask.CompletedTask;
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
