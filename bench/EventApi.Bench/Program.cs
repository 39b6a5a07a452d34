using BenchmarkDotNet.Running;
using EventApi.Bench;

// `store [options]`: the PostgreSQL measurements (StoreBenchmarks); anything else goes to BenchmarkDotNet (the engine).
if (args.Length > 0 && args[0] == "store")
{
    return await StoreBenchmarks.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
