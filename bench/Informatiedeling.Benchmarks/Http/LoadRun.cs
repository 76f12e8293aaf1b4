using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Informatiedeling.Benchmarks.Http;

/// <summary>What one measuring window gave: completed requests, every latency, and any answer that was not 200.</summary>
internal sealed record LoadResult(long Requests, TimeSpan Window, long[] LatencyTicks, long Failures, TimeSpan ServerCpu, TimeSpan DatabaseCpu)
{
    public double PerSecond => Requests / Window.TotalSeconds;

    public static LoadResult Combine(IReadOnlyList<LoadResult> rounds)
    {
        var all = rounds.SelectMany(r => r.LatencyTicks).ToArray();
        Array.Sort(all);
        return new LoadResult(
            rounds.Sum(r => r.Requests),
            TimeSpan.FromTicks(rounds.Sum(r => r.Window.Ticks)),
            all,
            rounds.Sum(r => r.Failures),
            TimeSpan.FromTicks(rounds.Sum(r => r.ServerCpu.Ticks)),
            TimeSpan.FromTicks(rounds.Sum(r => r.DatabaseCpu.Ticks)));
    }

    /// <summary>CPU microseconds per request in the server process and in PostgreSQL, over the window.</summary>
    public (double Server, double Database) CpuPerRequest => Requests == 0
        ? (0, 0)
        : (ServerCpu.TotalMicroseconds / Requests, DatabaseCpu.TotalMicroseconds / Requests);

    /// <summary>The latency at quantile <paramref name="q"/> of all recorded requests (sorted, nearest rank).</summary>
    public TimeSpan Quantile(double q) =>
        LatencyTicks.Length == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(0, LatencyTicks[Math.Clamp((int)Math.Ceiling(q * LatencyTicks.Length) - 1, 0, LatencyTicks.Length - 1)]);
}

/// <summary>
/// Concurrent callers on one keep-alive connection pool (one connection each): every caller sends its next
/// request when the previous answer is read in full. After a warm-up, every request that completes within the
/// window is counted and its latency kept; nothing is sampled.
/// </summary>
internal static class LoadRun
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The client owns the handler (disposeHandler) and disposes it.")]
    public static HttpClient Client(Uri baseAddress, int callers)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = callers,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public static async Task<LoadResult> RunAsync(
        HttpClient client, IReadOnlyList<string> tokens, IReadOnlyList<string> paths, TimeSpan warmUp, TimeSpan window, CpuMeter server, CpuMeter database)
    {
        var callers = tokens.Count;
        var measuring = 0L; // the Stopwatch timestamp at which the window opened; 0 while warming up
        var stop = 0;
        var latencies = new List<long>[callers];
        var counts = new long[callers];
        var failures = 0L;
        var tasks = new Task[callers];
        for (var i = 0; i < callers; i++)
        {
            var caller = i;
            latencies[caller] = new List<long>(200_000);
            var authorization = new AuthenticationHeaderValue("Bearer", tokens[caller]);
            tasks[caller] = Task.Run(async () =>
            {
                var next = caller;
                while (Volatile.Read(ref stop) == 0)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, paths[next % paths.Count]);
                    request.Headers.Authorization = authorization;
                    next += callers;
                    var started = Stopwatch.GetTimestamp();
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                    var ended = Stopwatch.GetTimestamp();
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref failures);
                    }

                    var opened = Volatile.Read(ref measuring);
                    if (opened != 0 && started >= opened && Volatile.Read(ref stop) == 0)
                    {
                        latencies[caller].Add(ended - started);
                        counts[caller]++;
                    }
                }
            });
        }

        await Task.Delay(warmUp);
        var failuresBefore = Interlocked.Read(ref failures);
        var (serverBefore, databaseBefore) = (server.Read(), database.Read());
        var open = Stopwatch.GetTimestamp();
        Volatile.Write(ref measuring, open);
        await Task.Delay(window);
        Volatile.Write(ref stop, 1);
        var closed = Stopwatch.GetElapsedTime(open);
        var (serverCpu, databaseCpu) = (server.Read() - serverBefore, database.Read() - databaseBefore);
        await Task.WhenAll(tasks);

        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new LoadResult(counts.Sum(), closed, all, Interlocked.Read(ref failures) - failuresBefore, serverCpu, databaseCpu);
    }
}

/// <summary>
/// What one fixed-rate window gave: the rate offered and the rate answered, the latency of every request scheduled in
/// the window measured from the moment it was due to be sent, or from its send if the timer sent it early (so a late answer delays the requests behind it and is
/// counted against them too, not left out), and the service time from the moment it was actually sent.
/// </summary>
internal sealed record FixedRateResult(double Offered, long Completed, LoadResult FromSchedule, long[] ServiceTicks)
{
    public double Achieved => Completed / FromSchedule.Window.TotalSeconds;

    /// <summary>Whether the server kept up: at least 95 % of the offered rate answered within the window.</summary>
    public bool KeptUp => Achieved >= 0.95 * Offered;

    public TimeSpan ServiceQuantile(double q) =>
        ServiceTicks.Length == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(0, ServiceTicks[Math.Clamp((int)Math.Ceiling(q * ServiceTicks.Length) - 1, 0, ServiceTicks.Length - 1)]);

    public static FixedRateResult Combine(IReadOnlyList<FixedRateResult> rounds)
    {
        var service = rounds.SelectMany(r => r.ServiceTicks).ToArray();
        Array.Sort(service);
        return new FixedRateResult(rounds[0].Offered, rounds.Sum(r => r.Completed), LoadResult.Combine([.. rounds.Select(r => r.FromSchedule)]), service);
    }
}

/// <summary>
/// A fixed offered load, as wrk2 applies it: request n is due at start + n / rate and goes to caller n mod callers,
/// so the callers together send <c>rate</c> requests a second whatever the server does. A caller whose previous
/// answer is late sends its next request at once, and that request's latency counts from when it was due.
/// </summary>
internal static class FixedRateRun
{
    public static async Task<FixedRateResult> RunAsync(
        HttpClient client, IReadOnlyList<string> tokens, IReadOnlyList<string> paths, double rate, TimeSpan warmUp, TimeSpan window, CpuMeter server, CpuMeter database)
    {
        var callers = tokens.Count;
        var ticksPerRequest = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp();
        var open = start + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
        var close = open + (long)(window.TotalSeconds * Stopwatch.Frequency);
        var latencies = new List<long>[callers];
        var service = new List<long>[callers];
        var completed = new long[callers];
        var failures = 0L;
        var tasks = new Task[callers];
        for (var i = 0; i < callers; i++)
        {
            var caller = i;
            latencies[caller] = new List<long>(100_000);
            service[caller] = new List<long>(100_000);
            var authorization = new AuthenticationHeaderValue("Bearer", tokens[caller]);
            tasks[caller] = Task.Run(async () =>
            {
                for (long n = caller; ; n += callers)
                {
                    var due = start + (long)(n * ticksPerRequest);
                    if (due >= close)
                    {
                        return;
                    }

                    var wait = due - Stopwatch.GetTimestamp();
                    if (wait > 0)
                    {
                        await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
                    }

                    using var request = new HttpRequestMessage(HttpMethod.Get, paths[(int)(n % paths.Count)]);
                    request.Headers.Authorization = authorization;
                    var sent = Stopwatch.GetTimestamp();
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                    var ended = Stopwatch.GetTimestamp();
                    if (due < open)
                    {
                        continue;
                    }

                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref failures);
                    }

                    // The timer counts whole milliseconds and may send a request a little before it is due: its
                    // latency then counts from the send, never from a moment before it.
                    latencies[caller].Add(ended - Math.Max(due, sent));
                    service[caller].Add(ended - sent);
                    if (ended <= close)
                    {
                        completed[caller]++;
                    }
                }
            });
        }

        var untilOpen = open - Stopwatch.GetTimestamp();
        if (untilOpen > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds((double)untilOpen / Stopwatch.Frequency));
        }

        var (serverBefore, databaseBefore) = (server.Read(), database.Read());
        var untilClose = close - Stopwatch.GetTimestamp();
        if (untilClose > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds((double)untilClose / Stopwatch.Frequency));
        }

        var (serverCpu, databaseCpu) = (server.Read() - serverBefore, database.Read() - databaseBefore);
        await Task.WhenAll(tasks);
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        var serviceAll = service.SelectMany(l => l).ToArray();
        Array.Sort(serviceAll);
        var fromSchedule = new LoadResult(all.Length, TimeSpan.FromSeconds((double)(close - open) / Stopwatch.Frequency), all, Interlocked.Read(ref failures), serverCpu, databaseCpu);
        return new FixedRateResult(rate, completed.Sum(), fromSchedule, serviceAll);
    }
}
