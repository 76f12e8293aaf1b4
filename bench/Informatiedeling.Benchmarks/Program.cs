using BenchmarkDotNet.Running;
using Informatiedeling.Benchmarks.AccessLog;
using Informatiedeling.Benchmarks.Http;

// Benchmarks of Informatiedeling. Run all: dotnet run -c Release --project bench/Informatiedeling.Benchmarks -- --filter '*'
// The access log against a real, durable PostgreSQL: dotnet run -c Release --project bench/Informatiedeling.Benchmarks -- accesslog
// Authorized reads over HTTP against the floor, on a durable PostgreSQL: dotnet run -c Release --project bench/Informatiedeling.Benchmarks -- http
//   (options: --callers 8; --rate 1000 or --rate 25%,50% for the fixed-rate phase, a rate or a percentage of the floor's saturation throughput)
// The retention purge of 10,000 expired cases, likewise: dotnet run -c Release --project bench/Informatiedeling.Benchmarks -- retention
// The case page against the API read of the same case, likewise: dotnet run -c Release --project bench/Informatiedeling.Benchmarks -- pages
// The privacy officer's searches of a seeded access log, and the append with and without the search indexes, likewise:
//   dotnet run -c Release --project bench/Informatiedeling.Benchmarks -- log-search [--records 100000,1000000] [--explain-above 100]
// A million recorded decisions replayed from PostgreSQL under a proposed policy set, against reading them without deciding:
//   dotnet run -c Release --project bench/Informatiedeling.Benchmarks -- policy-replay [--records 1000000]
switch (args)
{
    case ["accesslog"]:
        return await AccessLogLoad.RunAsync(Console.Out);
    case ["http", .. var options]:
        return HttpOptions(options) is var (callers, rates) ? await HttpLoad.RunAsync(Console.Out, callers, rates) : Usage();
    case ["http-floor", .. var floor]:
        return await FloorHost.RunAsync(floor);
    case ["pages"]:
        return await Informatiedeling.Benchmarks.Pages.PageLoad.RunAsync(Console.Out);
    case ["log-search", .. var search]:
        return LogSearchOptions(search) is var (sizes, explain)
            ? await Informatiedeling.Benchmarks.LogSearch.LogSearchLoad.RunAsync(Console.Out, sizes, explain)
            : Usage("usage: log-search [--records N[,N...]] [--explain-above MS]  (N: records in the seeded log, at least 1,000; default 1,000,000; the plan of a search slower than MS, default 100, is printed)");
    case ["policy-replay"]:
        return await Informatiedeling.Benchmarks.PolicyReplay.PolicyReplayLoad.RunAsync(Console.Out, Informatiedeling.Benchmarks.PolicyReplay.PolicyReplayLoad.DefaultRecords);
    case ["policy-replay", "--records", var replayed] when int.TryParse(replayed.Replace("_", "", StringComparison.Ordinal), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1_000:
        return await Informatiedeling.Benchmarks.PolicyReplay.PolicyReplayLoad.RunAsync(Console.Out, n);
    case ["retention"]:
        return await Informatiedeling.Benchmarks.Retention.RetentionPurgeLoad.RunAsync(Console.Out);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

static (int Callers, IReadOnlyList<OfferedRate> Rates)? HttpOptions(string[] options)
{
    var callers = HttpLoad.DefaultCallers;
    var rates = HttpLoad.DefaultRates;
    for (var i = 0; i < options.Length; i += 2)
    {
        switch (options[i..])
        {
            case ["--callers", var n, ..] when int.TryParse(n, System.Globalization.CultureInfo.InvariantCulture, out var c) && c > 0:
                callers = c;
                break;
            case ["--rate", var r, ..] when OfferedRate.TryParseList(r) is { } parsed:
                rates = parsed;
                break;
            default:
                return null;
        }
    }

    return (callers, rates);
}

static (IReadOnlyList<int> Sizes, double ExplainAbove)? LogSearchOptions(string[] options)
{
    var sizes = Informatiedeling.Benchmarks.LogSearch.LogSearchLoad.DefaultSizes;
    var explain = Informatiedeling.Benchmarks.LogSearch.LogSearchLoad.DefaultExplainAbove;
    for (var i = 0; i < options.Length; i += 2)
    {
        switch (options[i..])
        {
            case ["--records", var list, ..]:
                var parsed = new List<int>();
                foreach (var part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (!int.TryParse(part.Replace("_", "", StringComparison.Ordinal), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1_000)
                    {
                        return null;
                    }

                    parsed.Add(n);
                }

                if (parsed.Count == 0)
                {
                    return null;
                }

                sizes = parsed;
                break;
            case ["--explain-above", var ms, ..] when double.TryParse(ms, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var e) && e >= 0:
                explain = e;
                break;
            default:
                return null;
        }
    }

    return (sizes, explain);
}

static int Usage(string text = "usage: http [--callers N] [--rate R[,R...]]  (R: requests a second, or a percentage such as 50% of the floor's saturation throughput)")
{
    Console.Error.WriteLine(text);
    return 2;
}
