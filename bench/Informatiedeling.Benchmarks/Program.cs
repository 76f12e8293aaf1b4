using BenchmarkDotNet.Running;
using Informatiedeling.Benchmarks.AccessLog;
using Informatiedeling.Benchmarks.Http;

// Benchmarks of Informatiedeling. Run all: dotnet run -c Release --project bench/Informatiedeling.Benchmarks -- --filter '*'
// The access log against a real, durable PostgreSQL: dotnet run -c Release --project bench/Informatiedeling.Benchmarks -- accesslog
// Authorized reads over HTTP against the floor, on a durable PostgreSQL: dotnet run -c Release --project bench/Informatiedeling.Benchmarks -- http
switch (args)
{
    case ["accesslog"]:
        return await AccessLogLoad.RunAsync(Console.Out);
    case ["http"]:
        return await HttpLoad.RunAsync(Console.Out);
    case ["http-floor", .. var floor]:
        return await FloorHost.RunAsync(floor);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
