using System.Diagnostics;
using System.Globalization;

namespace Informatiedeling.Benchmarks.Http;

/// <summary>
/// The latency of a durable write on the disk PostgreSQL uses: an 8 kB write followed by a flush to disk (fsync), as a
/// commit's WAL flush is, repeated. A durable access-log record cannot be faster than this.
/// </summary>
internal static class DiskProbe
{
    private const int Writes = 2000;

    public static string Describe(string directory)
    {
        var path = Path.Combine(directory, "disk-probe");
        var latencies = new long[Writes];
        var page = new byte[8192];
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            for (var i = 0; i < Writes; i++)
            {
                var started = Stopwatch.GetTimestamp();
                file.Position = i % 64 * page.Length;
                file.Write(page);
                file.Flush(flushToDisk: true);
                latencies[i] = Stopwatch.GetTimestamp() - started;
            }
        }

        File.Delete(path);
        Array.Sort(latencies);
        double Ms(double q) => Stopwatch.GetElapsedTime(0, latencies[Math.Clamp((int)Math.Ceiling(q * Writes) - 1, 0, Writes - 1)]).TotalMilliseconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"disk: {Writes} writes of 8 kB, each flushed to disk: p50 {Ms(0.5):F2} ms, p99 {Ms(0.99):F2} ms, p99.9 {Ms(0.999):F2} ms, max {Ms(1):F2} ms");
    }
}
