using System.Globalization;

namespace Informatiedeling.Benchmarks.Http;

/// <summary>
/// CPU time (user and system) of one process and its direct children, read from <c>/proc</c>: on a machine that
/// other work shares, CPU per request says more about the cost of a request than wall-clock throughput does.
/// </summary>
internal sealed class CpuMeter(int processId)
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux platform .NET runs on

    /// <summary>The postmaster of a server started on <paramref name="dataDirectory"/>: the first line of its postmaster.pid.</summary>
    public static CpuMeter ForPostgres(string dataDirectory) =>
        new(int.Parse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture));

    public TimeSpan Read()
    {
        var ticks = 0L;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue; // ended meanwhile
            }

            // pid (comm) state ppid ... utime stime: fields after the closing parenthesis of comm.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
            if (pid == processId || parent == processId)
            {
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
