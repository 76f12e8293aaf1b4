using BenchmarkDotNet.Running;
using Informatiedeling.Benchmarks.AccessLog;

// Benchmarks of Informatiedeling. Run all: dotnet run -c Release --project bench/Informatiedeling.Benchmarks -- --filter '*'
// The access log against a real, durable PostgreSQL: dotnet run -c Release --project bench/Informatiedeling.Benchmarks -- accesslog
// The retention purge of 10,000 expired cases, likewise: dotnet run -c Release --project bench/Informatiedeling.Benchmarks -- retention
if (args is ["accesslog"])
{
    return await AccessLogLoad.RunAsync(Console.Out);
}

if (args is ["retention"])
{
    return await Informatiedeling.Benchmarks.Retention.RetentionPurgeLoad.RunAsync(Console.Out);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
