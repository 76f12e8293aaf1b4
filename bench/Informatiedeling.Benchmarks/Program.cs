using BenchmarkDotNet.Running;

// Benchmarks of Informatiedeling. Run all: dotnet run -c Release --project bench/Informatiedeling.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
