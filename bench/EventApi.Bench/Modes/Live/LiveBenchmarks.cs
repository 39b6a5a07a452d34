using System.Diagnostics;
using System.Globalization;
using EventApi.Bench.Harness;
using static EventApi.Bench.Harness.Stats;

namespace EventApi.Bench.Modes.Live;

/// <summary>
/// Live sessions end to end: spectators of <c>GET /sessions/{id}/live</c> (real streaming clients in this process,
/// <see cref="Audience"/>) while moves are made through the API's Release build in a process of its own. Creates its
/// own database on the server of the connection string (EVENTAPI_BENCH_PG or --connection) and drops it at the end.
/// <list type="bullet">
/// <item>Same node: the spectators on the node that takes the moves, paced; the lag from each move's answer to its
/// frame's arrival at each spectator, every version checked to arrive in order. Then the same moves without them.</item>
/// <item>Closed loop: movers as fast as they are answered, without spectators and then with them.</item>
/// <item>Memory: a second node on the same database, its GC heap and working set before and after its spectators open
/// (idle: no moves yet).</item>
/// <item>Across nodes: the paced moves to the first node, the spectators on the second.</item>
/// </list>
/// </summary>
public static class LiveBenchmarks
{
    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var options = LiveArguments.Parse(args);
        if (options is null) return 2;

        var total = Stopwatch.StartNew();
        await using var database = await BenchDatabase.CreateAsync(options.Connection, "live");
        var settings = Settings(options);
        await using var api = await ApiHost.StartAsync(database.ConnectionString, settings);
        using var client = api.CreateClient();
        var cpu = await CpuMeter.CreateAsync(database, api.ProcessId);
        Console.WriteLine($"API on {api.Address} (pid {api.ProcessId}); settings: {Report.Settings(settings)}.");

        var games = await LiveGames.StartAsync(client, options.Sessions, options.MovesPerSession());
        Console.WriteLine($"{options.Sessions} sessions started, {options.MovesPerSession()} moves planned each " +
                          $"({games.SeedsTried} seeds tried; {total.Elapsed.TotalSeconds:F1} s).");

        var sameNode = await SameNodeAsync(api, client, games, cpu, options);
        var closed = await ClosedLoopAsync(api, client, games, cpu, options);
        var (memory, acrossNodes) = await AcrossNodesAsync(database, api, client, games, cpu, options, settings);
        Console.WriteLine($"Total {total.Elapsed.TotalSeconds:F0} s; {games.Exhausted} sessions used up their planned moves.");
        if (api.Output.Length > 0) Console.WriteLine($"The API wrote:\n{api.Output}");

        var run = new LiveRun(options, settings, games.SeedsTried, games.Exhausted, sameNode, closed, memory, acrossNodes);
        var markdown = LiveReport.Render(run, database);
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (options.Markdown is not null) Report.WriteSection(options.Markdown, "live", markdown);
        return 0;
    }

    /// <summary>The API's settings: room for every stream (the node's default is 10,000), and any <c>--set</c>.</summary>
    private static Dictionary<string, string> Settings(LiveArguments options)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["EventApi:Live:MaxConnections"] = Math.Max(10_000, 2 * options.Spectators).ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in options.Settings) settings[key] = value;
        return settings;
    }

    /// <summary>Paced moves with the spectators on the same node (after a warm-up with them), then without any.</summary>
    private static async Task<SameNode> SameNodeAsync(ApiHost api, HttpClient client, LiveGames games, CpuMeter cpu, LiveArguments options)
    {
        Console.WriteLine();
        Console.WriteLine($"Same node: {options.Spectators:N0} spectators over {options.Sessions} sessions, moves at {options.Rate:N0}/s " +
                          $"for {options.Warmup:N0} s of warm-up and a {options.Duration:N0} s window, then as long without spectators.");
        MoveWindow with;
        Delivery delivery;
        await using (var audience = await Audience.OpenAsync(api.Address, games.All, options.Spectators))
        {
            Console.WriteLine($"  {options.Spectators:N0} streams open in {audience.OpenedIn.TotalSeconds:F1} s.");
            with = await Moving.PacedAsync(client, games, options.Rate, options.Warmup, options.Duration, cpu);
            var drain = await audience.DrainAsync(options.DrainTimeout);
            await audience.DisposeAsync();
            delivery = Delivery.Of(audience, with, drain);
        }

        Print("with spectators", with, delivery);
        var without = await Moving.PacedAsync(client, games, options.Rate, LiveArguments.LeadIn, options.Duration, cpu);
        Print("without", without, null);
        return new SameNode(with, delivery, without);
    }

    /// <summary>Moves as fast as the movers are answered, without spectators and then with them on the same node.</summary>
    private static async Task<ClosedLoopRuns> ClosedLoopAsync(ApiHost api, HttpClient client, LiveGames games, CpuMeter cpu,
        LiveArguments options)
    {
        Console.WriteLine();
        Console.WriteLine($"Closed loop: {options.Movers} movers for {options.ClosedDuration:N0} s, without spectators, then with them.");
        var without = await Moving.ClosedAsync(client, games, options.Movers, options.ClosedDuration, cpu);
        Print("without", without, null);
        await using var audience = await Audience.OpenAsync(api.Address, games.All, options.Spectators);
        var with = await Moving.ClosedAsync(client, games, options.Movers, options.ClosedDuration, cpu);
        var drain = await audience.DrainAsync(options.DrainTimeout);
        await audience.DisposeAsync();
        var delivery = Delivery.Of(audience, with, drain);
        Print("with spectators", with, delivery);
        return new ClosedLoopRuns(without, with, delivery);
    }

    /// <summary>A second node on the same database: its memory before and after its spectators open, then paced moves
    /// to the first node watched on the second.</summary>
    private static async Task<(NodeMemory Memory, AcrossNodes Run)> AcrossNodesAsync(BenchDatabase database, ApiHost api, HttpClient client,
        LiveGames games, CpuMeter cpu, LiveArguments options, IReadOnlyDictionary<string, string> settings)
    {
        Console.WriteLine();
        await using var second = await ApiHost.StartAsync(database.ConnectionString, settings);
        var secondCpu = await CpuMeter.CreateAsync(database, second.ProcessId);
        Console.WriteLine($"Across nodes: a second API on {second.Address} (pid {second.ProcessId}); moves to the first, " +
                          $"{options.Spectators:N0} spectators on the second.");
        // Let the new node's start-up work (the daemon's election, its first polls) settle before the first sample.
        await Task.Delay(TimeSpan.FromSeconds(3));
        // Two steps: the first half of the streams also pays what the node's first streams cost once (the live path's
        // code compiled, the session views' reads); the second half is what more streams cost.
        var before = await ProcessMemory.SampleAsync(second.ProcessId);
        var half = options.Spectators / 2;
        await using var audience = Audience.Create(second.Address, games.All);
        await audience.OpenAsync(half);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var halfway = await ProcessMemory.SampleAsync(second.ProcessId);
        await audience.OpenAsync(options.Spectators - half);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var after = await ProcessMemory.SampleAsync(second.ProcessId);
        var memory = new NodeMemory(options.Spectators, half, options.Sessions, before, halfway, after);
        Console.WriteLine($"  {options.Spectators:N0} idle streams open in {audience.OpenedIn.TotalSeconds:F1} s: {memory}");

        var window = await Moving.PacedAsync(client, games, options.Rate, options.CrossWarmup, options.Duration, cpu, secondCpu);
        var drain = await audience.DrainAsync(options.DrainTimeout);
        await audience.DisposeAsync();
        var delivery = Delivery.Of(audience, window, drain);
        Print("across nodes", window, delivery);
        if (second.Output.Length > 0) Console.WriteLine($"The second API wrote:\n{second.Output}");
        return (memory, new AcrossNodes(window, delivery));
    }

    private static void Print(string name, MoveWindow moves, Delivery? delivery)
    {
        Console.WriteLine(
            $"  {name,-16} moves {moves.Rate,7:N1}/s p50 {Median(moves.Latencies),6:F1} ms p99 {Percentile(moves.Latencies, 99),6:F1} ms; " +
            $"CPU {moves.Cpu.Cores}" + (moves.OtherNode is { } other ? $"; second node {F(other.Api / other.Wall)} cores" : ""));
        if (delivery is null) return;
        var lags = delivery.Lags;
        Console.WriteLine(
            $"  {"",-16} frames {delivery.FramesPerSecond(moves),7:N0}/s ({lags.Count:N0} of {delivery.Expected:N0} expected); " +
            (lags.Count > 0 ? $"lag p50 {Median(lags):F1} ms, p99 {Percentile(lags, 99):F1} ms, max {lags.Max():F1} ms; " : "") +
            $"missing {delivery.Missing}, out of order {delivery.OutOfOrder}, resumed {delivery.Resumed}, behind at the end " +
            $"{delivery.BehindAtEnd} after {delivery.Drain:F1} s");
    }

    private static string F(double value) => value.ToString("F2", CultureInfo.InvariantCulture);
}

/// <summary>The paced run with the spectators on the node that takes the moves, and the same without spectators.</summary>
internal sealed record SameNode(MoveWindow With, Delivery Delivery, MoveWindow Without);

internal sealed record ClosedLoopRuns(MoveWindow Without, MoveWindow With, Delivery Delivery);

internal sealed record AcrossNodes(MoveWindow Moves, Delivery Delivery);

/// <summary>The second node's memory before its idle streams opened, with the first <see cref="Half"/> of them, and with
/// all <see cref="Streams"/>.</summary>
internal sealed record NodeMemory(int Streams, int Half, int Sessions, MemorySample Before, MemorySample Halfway, MemorySample After)
{
    /// <summary>Bytes a stream adds once the node has streams open: from halfway to all of them, per 1,000.</summary>
    public double PerThousand(Func<MemorySample, long?> of) =>
        of(After) is { } after && of(Halfway) is { } halfway && Streams > Half ? (after - halfway) * 1000.0 / (Streams - Half) : double.NaN;

    /// <summary>Bytes the first half added, per 1,000 of its streams (what the first streams cost once included).</summary>
    public double FirstPerThousand(Func<MemorySample, long?> of) =>
        of(Halfway) is { } halfway && of(Before) is { } before && Half > 0 ? (halfway - before) * 1000.0 / Half : double.NaN;

    public override string ToString() =>
        $"working set {Mib(Before.WorkingSet)} → {Mib(Halfway.WorkingSet)} → {Mib(After.WorkingSet)} MiB, GC heap after a full collection " +
        (Before.GcHeap is { } b && Halfway.GcHeap is { } h && After.GcHeap is { } a ? $"{Mib(b)} → {Mib(h)} → {Mib(a)} MiB" : "not read");

    public static string Mib(long bytes) => (bytes / (1024.0 * 1024)).ToString("F1", CultureInfo.InvariantCulture);
}

/// <summary>What a run measured, for the report.</summary>
internal sealed record LiveRun(
    LiveArguments Options,
    IReadOnlyDictionary<string, string> Settings,
    int SeedsTried,
    int Exhausted,
    SameNode SameNode,
    ClosedLoopRuns Closed,
    NodeMemory Memory,
    AcrossNodes AcrossNodes);
