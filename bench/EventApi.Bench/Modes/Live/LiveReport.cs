using System.Globalization;
using System.Text;
using EventApi.Bench.Harness;
using static EventApi.Bench.Harness.Report;
using static EventApi.Bench.Harness.Stats;

namespace EventApi.Bench.Modes.Live;

/// <summary>The live mode's section of docs/benchmarks.md.</summary>
internal static class LiveReport
{
    private const int TargetSpectators = 2000;
    private const double TargetRate = 200;
    private const double SameNodeP99 = 100;
    private const double AcrossNodesP99 = 250;
    private const double MovesWithin = 0.10;

    public static string Render(LiveRun run, BenchDatabase database)
    {
        var o = run.Options;
        var md = BeginSection("Live sessions (Server-Sent Events)", database,
            "scripts/bench.sh live     # or: dotnet run -c Release --project bench/EventApi.Bench -- live --spectators 2000 --sessions 200 --rate 200");
        Paragraph(md,
            $"The API's Release build runs as a process of its own (log level Warning, the async daemon running, " +
            $"{Settings(run.Settings)}); a second one on the same database for the run across nodes. The spectators and the " +
            "movers are in the bench process, and PostgreSQL in another: **all share the machine's 2 cores**, which other " +
            "work on this shared machine used too, so read the ratios and each process's CPU rather than the absolute times.");
        md.AppendLine();
        Describe(md, run);
        md.AppendLine();
        LagTable(md, run);
        md.AppendLine();
        MovesTable(md, run);
        md.AppendLine();
        CostTable(md, run);
        md.AppendLine();
        TargetsTable(md, run);
        md.AppendLine();
        Bounds(md, run);
        return md.ToString();
    }

    private static void Describe(StringBuilder md, LiveRun run)
    {
        var o = run.Options;
        Paragraph(md,
            $"- **Sessions:** {o.Sessions} open sessions started over HTTP, each with {o.MovesPerSession()} moves planned before the " +
            "run: the client knows every spawn of an open seed, so it plays a two-move lookahead on the exact boards to come, " +
            "and the seeds whose play would end within the plan are skipped " +
            $"({run.SeedsTried} seeds tried for {o.Sessions}). No move of the run ends a game, so no stream closes; " +
            $"{run.Exhausted} sessions used up their plan (they are then left alone). Moves are single-move " +
            "`POST /sessions/{id}/moves` with the session's token, never two at once on a session.");
        Paragraph(md,
            $"- **Spectators:** {o.Spectators:N0}, spectator i watching session i mod {o.Sessions} ({o.Spectators / (double)o.Sessions:0.#} a " +
            "session), each a real streaming client: `GET /sessions/{id}/live` with `HttpCompletionOption.ResponseHeadersRead`, " +
            "read with .NET's `SseParser` as frames arrive, all through one `SocketsHttpHandler` (`MaxConnectionsPerServer` " +
            "unbounded: a connection a stream). A frame's data is not deserialized: its `id:` is the version, its session " +
            "the stream's. Each spectator checks that the versions come one by one from its first frame (the session as it " +
            "was): a jump is counted as missing frames, a version again or backwards as out of order; a stream the server " +
            "ends or cuts is resumed with `Last-Event-ID`, as a browser does, and counted.");
        Paragraph(md,
            "- **Lag:** for each frame of a move sent within the window, its arrival at a spectator (after the parser) minus " +
            "the arrival of the move's 200 answer at its mover, both `Stopwatch` timestamps in the bench process; matched " +
            "by session and version. Negative when the frame came before the answer. After each run the bench waits up to " +
            $"{F(o.DrainTimeout, "0.#")} s for every spectator to have its session's last version, then closes the streams.");
        Paragraph(md,
            $"- **Runs:** paced moves (open loop: each sent when due, one session after the other) at {F(o.Rate, "N0")}/s: with the " +
            $"spectators on the same node, {F(o.Warmup, "0.#")} s of warm-up (the runtime's tiered JIT: `dotnet-counters` showed the " +
            "API compiling for 15 to 80 % of a core during its first 50 s under this load, then about 1 %), then " +
            $"a {F(o.Duration, "0.#")} s window; then the same without spectators ({F(LiveArguments.LeadIn, "0.#")} s lead-in). A closed loop of " +
            $"{o.Movers} movers ({F(LiveArguments.ClosedWarmup, "0.#")} s warm-up, {F(o.ClosedDuration, "0.#")} s) without spectators, then " +
            $"with them. A second node: its memory before and after its {o.Spectators:N0} streams open (idle, no moves), then " +
            $"paced moves to the first node, {F(o.CrossWarmup, "0.#")} s of warm-up and a {F(o.Duration, "0.#")} s window.");
        Paragraph(md,
            "- **CPU** from `/proc/<pid>/stat` over each window: the node taking the moves, PostgreSQL (all its processes), " +
            "the bench, and the machine as a whole (other work included). A delivered frame's cost is the node's CPU in the " +
            "paced window with spectators minus the same window without them, over the frames that arrived in the window.");
    }

    private static void LagTable(StringBuilder md, LiveRun run)
    {
        md.AppendLine("### Lag, from a move's answer to its frame at each spectator");
        md.AppendLine();
        md.AppendLine("| run | moves/s | frames/s | frames matched / expected | lag p50 | p99 | max | missing | out of order | resumed | behind at the end |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        LagRow(md, $"same node, paced, {run.Options.Spectators:N0} spectators", run.SameNode.With, run.SameNode.Delivery);
        LagRow(md, "across nodes, paced (moves to the first, spectators on the second)", run.AcrossNodes.Moves, run.AcrossNodes.Delivery);
        LagRow(md, $"same node, closed loop of {run.Options.Movers}", run.Closed.With, run.Closed.Delivery);
    }

    private static void LagRow(StringBuilder md, string name, MoveWindow moves, Delivery d)
    {
        var lags = d.Lags;
        var (p50, p99, max) = lags.Count > 0 ? (Ms(Median(lags)), Ms(Percentile(lags, 99)), Ms(lags.Max())) : ("n/a", "n/a", "n/a");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| {name} | {F(moves.Rate, "N1")} | {F(d.FramesPerSecond(moves), "N0")} | {lags.Count:N0} / {d.Expected:N0} | {p50} | {p99} | {max} | " +
            $"{d.Missing} | {d.OutOfOrder} | {d.Resumed} | {d.BehindAtEnd} after {F(d.Drain, "F1")} s |");
    }

    private static void MovesTable(StringBuilder md, LiveRun run)
    {
        md.AppendLine("### Moves with and without spectators");
        md.AppendLine();
        md.AppendLine("| run | spectators | moves/s | p50 | p99 | cores busy: node | PostgreSQL | bench | machine (of 2) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        var n = run.Options.Spectators.ToString("N0", CultureInfo.InvariantCulture);
        MovesRow(md, "paced, without", "0", run.SameNode.Without);
        MovesRow(md, "paced, same node", n, run.SameNode.With);
        MovesRow(md, "paced, across nodes", $"{n} on the second", run.AcrossNodes.Moves);
        MovesRow(md, $"closed loop of {run.Options.Movers}, without", "0", run.Closed.Without);
        MovesRow(md, $"closed loop of {run.Options.Movers}, same node", n, run.Closed.With);
    }

    private static void MovesRow(StringBuilder md, string name, string spectators, MoveWindow m)
    {
        var cores = m.Cpu.Cores;
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| {name} | {spectators} | {F(m.Rate, "N1")} | {Ms(Median(m.Latencies))} | {Ms(Percentile(m.Latencies, 99))} | " +
            $"{F(cores.Api, "F2")} | {(cores.Postgres is { } pg ? F(pg, "F2") : "n/a")} | {F(cores.Bench, "F2")} | {F(cores.Machine, "F2")} |");
    }

    private static void CostTable(StringBuilder md, LiveRun run)
    {
        var (with, without, delivery) = (run.SameNode.With, run.SameNode.Without, run.SameNode.Delivery);
        var frames = Math.Max(delivery.ArrivedInWindow, 1);
        var mem = run.Memory;
        md.AppendLine("### What a frame and a stream cost");
        md.AppendLine();
        md.AppendLine("| measure | value |");
        md.AppendLine("|---|---:|");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| frames delivered in the paced window, same node | {delivery.ArrivedInWindow:N0} ({F(delivery.FramesPerSecond(with), "N0")}/s) |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| **the node's CPU a delivered frame** (window with spectators − without, over those frames) | **{Us(Extra(with.Cpu.Api, with, without.Cpu.Api, without) / frames)}** |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| PostgreSQL's CPU a delivered frame, the same way (the feeds' reads) | {(with.Cpu.Postgres is { } pw && without.Cpu.Postgres is { } po ? Us(Extra(pw, with, po, without) / frames) : "n/a")} |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| the bench's CPU a delivered frame, the same way (the client side: reading and parsing) | {Us(Extra(with.Cpu.Bench, with, without.Cpu.Bench, without) / frames)} |");
        if (run.AcrossNodes.Moves.OtherNode is { } second)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| across nodes: the second node's whole CPU in its window, a frame delivered from it (its idle work included) | " +
                $"{Us(second.Api.TotalSeconds / Math.Max(run.AcrossNodes.Delivery.ArrivedInWindow, 1))} ({F(second.Api / second.Wall, "F2")} cores) |");
        }

        md.AppendLine(CultureInfo.InvariantCulture,
            $"| opening {run.Options.Spectators:N0} streams (32 at a time), same node / second node | {F(delivery.OpenedIn.TotalSeconds, "F1")} s / {F(run.AcrossNodes.Delivery.OpenedIn.TotalSeconds, "F1")} s |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| the second node's working set: before → {mem.Half:N0} idle streams → {mem.Streams:N0} (on {mem.Sessions} sessions) | " +
            $"{NodeMemory.Mib(mem.Before.WorkingSet)} → {NodeMemory.Mib(mem.Halfway.WorkingSet)} → {NodeMemory.Mib(mem.After.WorkingSet)} MiB |");
        var heap = mem.Before.GcHeap is { } b && mem.Halfway.GcHeap is { } h && mem.After.GcHeap is { } a
            ? $"{NodeMemory.Mib(b)} → {NodeMemory.Mib(h)} → {NodeMemory.Mib(a)} MiB"
            : "not read";
        md.AppendLine(CultureInfo.InvariantCulture, $"| its GC heap after a full collection, the same | {heap} |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| **memory a stream adds, per 1,000 streams** (the second half's): working set, GC heap | " +
            $"**{Kib(mem.PerThousand(m => m.WorkingSet))}, {Kib(mem.PerThousand(m => m.GcHeap))}** |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| the first half's, per 1,000 (the first streams' one-time costs included): working set, GC heap | " +
            $"{Kib(mem.FirstPerThousand(m => m.WorkingSet))}, {Kib(mem.FirstPerThousand(m => m.GcHeap))} |");
    }

    private static void TargetsTable(StringBuilder md, LiveRun run)
    {
        var o = run.Options;
        var atSize = o.Spectators >= TargetSpectators && o.Rate >= TargetRate;
        md.AppendLine("| target | measured | met |");
        md.AppendLine("|---|---:|---|");
        LagTarget(md, $"p99 lag < {SameNodeP99:N0} ms on the same node, {TargetSpectators:N0} spectators, {TargetRate:N0} moves/s", run.SameNode.With,
            run.SameNode.Delivery, SameNodeP99, atSize, o);
        LagTarget(md, $"p99 lag < {AcrossNodesP99:N0} ms across nodes", run.AcrossNodes.Moves, run.AcrossNodes.Delivery, AcrossNodesP99, atSize, o);

        var rate = run.Closed.With.Rate / run.Closed.Without.Rate;
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| closed-loop moves/s with spectators within {MovesWithin:P0} of without | {F(rate, "F2")} of it ({F(run.Closed.With.Rate, "N0")} against " +
            $"{F(run.Closed.Without.Rate, "N0")}) | {Yes(rate >= 1 - MovesWithin && atSize)} |");
        var (with, without) = (run.SameNode.With.Latencies, run.SameNode.Without.Latencies);
        var p50 = Median(with) / Median(without);
        var p99 = Percentile(with, 99) / Percentile(without, 99);
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| paced move latency with spectators within {MovesWithin:P0} of without | p50 {F(p50, "F2")}×, p99 {F(p99, "F2")}× " +
            $"({Ms(Median(with))} / {Ms(Percentile(with, 99))} against {Ms(Median(without))} / {Ms(Percentile(without, 99))}) | " +
            $"{Yes(p50 <= 1 + MovesWithin && p99 <= 1 + MovesWithin && atSize)} |");
        if (!atSize)
            md.AppendLine(CultureInfo.InvariantCulture, $"\nThis run is smaller than the targets' size ({TargetSpectators:N0} spectators, {TargetRate:N0} moves/s): no target is met by it.");
    }

    private static void LagTarget(StringBuilder md, string target, MoveWindow moves, Delivery d, double p99Target, bool atSize, LiveArguments o)
    {
        var p99 = d.Lags.Count > 0 ? Percentile(d.Lags, 99) : double.PositiveInfinity;
        var complete = d.Missing == 0 && d.OutOfOrder == 0 && d.BehindAtEnd == 0;
        var rateMet = moves.Rate >= 0.95 * o.Rate;
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| {target} | p99 {Ms(p99)} at {F(moves.Rate, "N1")} moves/s, {(complete ? "every frame in order" : "**frames missing or out of order**")} | " +
            $"{Yes(p99 < p99Target && complete && rateMet && atSize)} |");
    }

    /// <summary>Where the machine's time went in each window: what a reader needs to tell which process bounds a figure.</summary>
    private static void Bounds(StringBuilder md, LiveRun run)
    {
        var (with, without) = (run.SameNode.With.Cpu.Cores, run.SameNode.Without.Cpu.Cores);
        var closed = run.Closed.With.Cpu.Cores;
        Paragraph(md,
            $"Cores busy in the paced window on the same node: {with}; without spectators: {without}. In the closed loop " +
            $"with spectators: {closed}; without: {run.Closed.Without.Cpu.Cores}. The bench's share is the client side (" +
            $"{run.Options.Spectators:N0} streams read and parsed, and the movers): when the machine is near 2 cores busy, " +
            "the spectators' own reading delays the arrivals they time, and the lag includes it.");
    }

    private static double Extra(TimeSpan with, MoveWindow withWindow, TimeSpan without, MoveWindow withoutWindow) =>
        (with.TotalSeconds / withWindow.Seconds - without.TotalSeconds / withoutWindow.Seconds) * withWindow.Seconds;

    private static string Us(double seconds) => $"{F(seconds * 1e6, "N1")} µs";

    private static string Ms(double ms) => $"{F(ms, "N1")} ms";

    private static string Kib(double bytes) => double.IsNaN(bytes) ? "n/a" : $"{F(bytes / 1024, "N0")} KiB";

    private static string Describe(IReadOnlyDictionary<string, string> settings) =>
        string.Join(", ", settings.Select(s => $"`{s.Key}={s.Value}`"));
}
