using BenchmarkDotNet.Running;
using Informatiedeling.Benchmarks.AccessLog;
using Informatiedeling.Benchmarks.Http;

// Benchmarks of Informatiedeling. Run all: dotnet run -c Release --project bench/Informatiedeling.Benchmarks -- --filter '*'
// The access log against a real, durable PostgreSQL: dotnet run -c Release --project bench/Informatiedeling.Benchmarks -- accesslog
// Authorized reads over HTTP against the floor, on a durable PostgreSQL: dotnet run -c Release --project bench/Informatiedeling.Benchmarks -- http  (or: -- http --callers 8)
// The retention purge of 10,000 expired cases, likewise: dotnet run -c Release --project bench/Informatiedeling.Benchmarks -- retention
switch (args)
{
    case ["accesslog"]:
        return await AccessLogLoad.RunAsync(Console.Out);
    case ["http"]:
        return await HttpLoad.RunAsync(Console.Out);
    case ["http", "--callers", var callers] when int.TryParse(callers, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0:
        return await HttpLoad.RunAsync(Console.Out, n);
    case ["http-floor", .. var floor]:
        return await FloorHost.RunAsync(floor);
    case ["retention"]:
        return await Informatiedeling.Benchmarks.Retention.RetentionPurgeLoad.RunAsync(Console.Out);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
