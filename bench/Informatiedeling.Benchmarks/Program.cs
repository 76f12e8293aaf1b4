using BenchmarkDotNet.Running;
using Informatiedeling.Benchmarks.AccessLog;
using Informatiedeling.Benchmarks.Http;

// Benchmarks of Informatiedeling. Run all: dotnet run -c Release --project bench/Informatiedeling.Benchmarks -- --filter '*'
// The access log against a real, durable PostgreSQL: dotnet run -c Release --project bench/Informatiedeling.Benchmarks -- accesslog
// Authorized reads over HTTP against the floor, on a durable PostgreSQL: dotnet run -c Release --project bench/Informatiedeling.Benchmarks -- http
//   (options: --callers 8; --rate 1000 or --rate 25%,50% for the fixed-rate phase, a rate or a percentage of the floor's saturation throughput)
// The retention purge of 10,000 expired cases, likewise: dotnet run -c Release --project bench/Informatiedeling.Benchmarks -- retention
// The case page against the API read of the same case, likewise: dotnet run -c Release --project bench/Informatiedeling.Benchmarks -- pages
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

static int Usage()
{
    Console.Error.WriteLine("usage: http [--callers N] [--rate R[,R...]]  (R: requests a second, or a percentage such as 50% of the floor's saturation throughput)");
    return 2;
}
