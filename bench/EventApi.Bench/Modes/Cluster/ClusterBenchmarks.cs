using System.Globalization;
using System.Text;
using EventApi.Bench.Harness;
using EventApi.Bench.Modes.SideEffects;
using static EventApi.Bench.Harness.Report;
using static EventApi.Bench.Harness.Stats;

namespace EventApi.Bench.Modes.Cluster;

/// <summary>
/// Several API processes (Release builds) on one database. Webhook lag in steady state with the load spread over 2 and 3
/// nodes (the side-effects mode's paced measurement, its requests sent to each node in turn), then the hand-over of the
/// shards when a node is killed or stopped (<see cref="Failover"/>). Creates its own databases and drops them.
/// </summary>
public static class ClusterBenchmarks
{
    /// <summary>The seconds of the measured phase whose games are not counted (the rate ramping up from half).</summary>
    private const double MeasuredWarmup = 10;

    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var options = ClusterArguments.Parse(args);
        if (options is null) return 2;

        var paced = new List<(int Nodes, PacedResult Result, Stages? Stages)>();
        BenchDatabase? described = null;
        foreach (var count in options.Nodes)
        {
            await using var database = await BenchDatabase.CreateAsync(options.Connection, $"cluster{count}");
            described ??= database;
            await using var sink = await WebhookSink.StartAsync();
            await using var nodes = new Nodes(database.ConnectionString, options.Settings);
            for (var i = 0; i < count; i++) await nodes.StartAsync();
            await nodes.WaitForSpreadAsync(TimeSpan.FromSeconds(90));
            using var client = nodes.RoundRobinClient();
            Console.WriteLine($"{count} nodes: {string.Join(", ", nodes.All.Select(n => n.Address))}");

            var measuring = new SideEffectsArguments(options.Connection, options.Rate, options.Duration, MeasuredWarmup, 0, 0, 30,
                new Dictionary<string, string>(), null);
            if (await Games.FirstWebhookAsync(client, sink, measuring) is null) return 1;
            // Every node compiles its paths again, optimized, in its first minute under load (the runtime's tiered JIT),
            // all on the same cores: at half the rate, and the webhooks of that phase delivered, before the measure.
            Console.WriteLine($"Warming up {count} nodes at {options.Rate / 2:N0} games/s for {options.Warmup:N0} s:");
            var meter = await CpuMeter.CreateAsync(database, [.. nodes.All.Select(n => n.ProcessId)]);
            await Paced.MeasureAsync(client, sink, database, meter, measuring with { Rate = options.Rate / 2, Duration = options.Warmup, Warmup = 0 });
            var result = await Paced.MeasureAsync(client, sink, database, meter, measuring);
            paced.Add((count, result, await Paced.StagesAsync(database, result.Measured.Select(g => g.Id).ToArray())));
            foreach (var node in nodes.All.Where(n => n.Output.Length > 0)) Console.WriteLine($"Node {node.Address} wrote:\n{node.Output}");
        }

        Console.WriteLine();
        Console.WriteLine($"Failover: {options.Rounds} rounds of a kill, a kill of a new node and a graceful stop, on 2 nodes.");
        var takeovers = options.Rounds > 0 ? await FailoverAsync(options) : [];

        var markdown = Render(options, described!, paced, takeovers);
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (options.Markdown is not null) WriteSection(options.Markdown, "cluster", markdown);
        return 0;
    }

    private static async Task<List<Takeover>> FailoverAsync(ClusterArguments options)
    {
        await using var database = await BenchDatabase.CreateAsync(options.Connection, "cluster-failover");
        await using var sink = await WebhookSink.StartAsync();
        return await Failover.MeasureAsync(database.ConnectionString, options.Settings, sink, options.Rounds);
    }

    private static string Render(ClusterArguments options, BenchDatabase database, List<(int Nodes, PacedResult Result, Stages? Stages)> paced,
        List<Takeover> takeovers)
    {
        var md = BeginSection("Several nodes", database, $"scripts/bench.sh cluster     # or: dotnet run -c Release --project bench/EventApi.Bench -- cluster --nodes {string.Join(',', options.Nodes)} --rounds {options.Rounds}");
        Paragraph(md, $"API processes (Release builds, {(options.Settings.Count == 0 ? "default settings" : $"settings {Settings(options.Settings)}")}) on " +
                      "one database, all on this machine's cores with PostgreSQL, the load and the receiver. Each game is a session " +
                      "started with the receiver as its callback URL and abandoned: one webhook. The requests go to each node in turn " +
                      "(a game's start and its abandon reach different nodes).");
        md.AppendLine();
        md.AppendLine("### Webhook lag in steady state");
        md.AppendLine();
        Paragraph(md, $"First a warm-up: games at {F(options.Rate / 2, "N0")}/s for {F(options.Warmup, "N0")} s, until their webhooks " +
                      "have arrived. Every node compiles its paths again, optimized, in its first minute under load (the runtime's " +
                      "tiered JIT), all of them on the same two cores; at the full rate from a cold start the webhooks queued " +
                      "meanwhile took the rest of the run to drain (\"Several nodes: a cold start under the full load\", above). Then the measure: games " +
                      $"due at {F(options.Rate, "N0")}/s for {F(options.Duration, "N0")} s, open loop, of which the first " +
                      $"{F(MeasuredWarmup, "N0")} s are not counted. The lag is from the event's append timestamp to the webhook's arrival.");
        md.AppendLine();
        md.AppendLine("| nodes | games/s | webhooks/s | lag p50 / p95 / p99 / max | append to record p50 / p99 | record to delivered p50 / p99 | failed, undelivered | target p99 < 1 s |");
        md.AppendLine("|---:|---:|---:|---|---|---|---|---|");
        foreach (var (nodes, result, stages) in paced)
        {
            var lags = result.Lags;
            var p99 = lags.Count > 0 ? Percentile(lags, 99) : double.PositiveInfinity;
            var stagesText = stages is null ? "n/a | n/a" : $"{F(stages.SubscriptionP50, "N0")} / {F(stages.SubscriptionP99, "N0")} ms | {F(stages.DispatcherP50, "N0")} / {F(stages.DispatcherP99, "N0")} ms";
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {nodes} | {F(result.FinishRate, "N1")} | {F(result.WebhookRate, "N1")} | {(lags.Count > 0 ? $"{F(Median(lags), "N0")} / {F(Percentile(lags, 95), "N0")} / {F(p99, "N0")} / {F(lags.Max(), "N0")} ms" : "none")} | {stagesText} | {result.Games.Count(g => !g.Finished)}, {result.Undelivered} | {Yes(p99 < 1000 && result.FinishRate >= 0.95 * options.Rate)} |");
        }

        md.AppendLine();
        md.AppendLine("### Failover");
        md.AppendLine();
        Paragraph(md, $"Two nodes, {options.Rounds} rounds. Taken over: from the kill (or the stop's signal) until the other node's " +
                      "`GET /admin/projections` shows every shard running there (polled every 50 ms). Webhook: a game played through " +
                      "the other node right after the kill, from the kill to its webhook's arrival. A node killed in its first seconds " +
                      "is killed as soon as the leader has given it a shard.");
        md.AppendLine();
        md.AppendLine("| hand-over | n | taken over: min / median / max | webhook after the kill: median / max | target | met |");
        md.AppendLine("|---|---:|---|---|---|---|");
        foreach (var kind in new[] { Failover.Killed, Failover.KilledYoung, Failover.Stopped })
        {
            var of = takeovers.Where(t => t.Kind == kind).ToList();
            if (of.Count == 0) continue;
            var seconds = of.Select(t => t.Seconds).ToList();
            var webhooks = of.Where(t => t.WebhookSeconds is not null).Select(t => t.WebhookSeconds!.Value).ToList();
            var target = kind == Failover.Stopped ? 1.0 : 5.0;
            var age = kind == Failover.KilledYoung ? $" (killed {F(of.Average(t => t.VictimAge ?? 0), "F1")} s after it answered, on average)" : "";
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {kind}{age} | {of.Count} | {F(seconds.Min(), "F2")} / {F(Median(seconds), "F2")} / {F(seconds.Max(), "F2")} s | {(webhooks.Count > 0 ? $"{F(Median(webhooks), "F2")} / {F(webhooks.Max(), "F2")} s" : "none")} | every one < {F(target, "N0")} s | {Yes(seconds.Max() < target)} |");
        }

        return md.ToString();
    }
}
