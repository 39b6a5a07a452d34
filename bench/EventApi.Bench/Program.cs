using BenchmarkDotNet.Running;
using EventApi.Bench;
using EventApi.Bench.Modes.Cluster;
using EventApi.Bench.Modes.Daemon;
using EventApi.Bench.Modes.Http;
using EventApi.Bench.Modes.Live;
using EventApi.Bench.Modes.SideEffects;
using EventApi.Bench.Modes.Storage;
using EventApi.Bench.Modes.Store;

// One mode a run, each with its own options (scripts/bench.sh runs them all); anything else goes to BenchmarkDotNet
// (the engine).
//   store [options]     appends and time travel against the raw baselines (StoreBenchmarks)
//   http [options]      single-move POSTs to the API against a raw INSERT and a trivial GET (HttpBenchmarks)
//   daemon [options]    the async daemon's catch-up and rebuilds against a raw read (DaemonBenchmarks)
//   side-effects [...]  webhook lag and delivery rate, end to end (SideEffectBenchmarks)
//   live [options]      live streams' lag, their cost to moves, a frame's CPU and a stream's memory (LiveBenchmarks)
//   cluster [options]   webhook lag on 2 and 3 nodes, and the shards' hand-over on a kill or a stop (ClusterBenchmarks)
//   storage [options]   what a game leaves in PostgreSQL, table by table, before and after retention and archiving (StorageBenchmarks)
if (args.Length > 0)
{
    Func<string[], Task<int>>? mode = args[0] switch
    {
        "store" => StoreBenchmarks.RunAsync,
        "http" => HttpBenchmarks.RunAsync,
        "daemon" => DaemonBenchmarks.RunAsync,
        "side-effects" => SideEffectBenchmarks.RunAsync,
        "live" => LiveBenchmarks.RunAsync,
        "cluster" => ClusterBenchmarks.RunAsync,
        "storage" => StorageBenchmarks.RunAsync,
        _ => null,
    };
    if (mode is not null) return await mode(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(EngineBenchmarks).Assembly).Run(args);
return 0;
