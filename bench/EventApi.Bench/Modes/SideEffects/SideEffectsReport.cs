using System.Globalization;
using System.Text;
using EventApi.Bench.Harness;
using static EventApi.Bench.Harness.Report;
using static EventApi.Bench.Harness.Stats;

namespace EventApi.Bench.Modes.SideEffects;

/// <summary>The side-effects mode's section of docs/benchmarks.md, and the figures its console lines share with it.</summary>
internal static class SideEffectsReport
{
    /// <summary>CPU milliseconds per game finished in the window, and the rate at which the API and PostgreSQL alone
    /// would keep every core busy. Work still owed at the window's end (a backlog of webhooks) is not in it.</summary>
    public static string CpuPerGame(PacedResult paced)
    {
        var (cpu, rate) = (paced.Cpu, paced.FinishRate);
        if (rate <= 0) return "n/a";
        var server = cpu.Api + (cpu.Postgres ?? 0);
        return $"API {F(cpu.Api / rate * 1000, "F1")} ms" + (cpu.Postgres is { } postgres ? $", PostgreSQL {F(postgres / rate * 1000, "F1")} ms" : "") +
               $", bench {F(cpu.Bench / rate * 1000, "F1")} ms: the API and PostgreSQL alone fill {Environment.ProcessorCount} cores at " +
               $"{F(Environment.ProcessorCount / server * rate, "N0")} games/s";
    }

    public static string Ms(IEnumerable<double> seconds)
    {
        var ms = seconds.Select(s => s * 1000).ToList();
        return ms.Count == 0 ? "n/a" : $"{Median(ms):N0}/{Percentile(ms, 99):N0} ms";
    }

    public static string Errors(List<Game> failed) =>
        failed.Count == 0 ? "" : ": " + string.Join(", ", failed.GroupBy(g => g.Error).Select(g => $"{g.Count()} × {g.Key}"));


    public static string Render(SideEffectsArguments options, BenchDatabase database, double firstWebhook, PacedResult paced, Stages? stages,
        BurstResult? burst, WebhookSink sink)
    {
        var md = Report.BeginSection("Side effects (webhooks)", database,
            "scripts/bench.sh side-effects     # or: dotnet run -c Release --project bench/EventApi.Bench -- side-effects --rate 200");
        md.AppendLine("End to end: the API's Release build in a process of its own, " +
                      (options.Settings.Count == 0 ? "with its default settings" : $"with {Settings(options.Settings)}") +
                      ", and in the bench process a");
        md.AppendLine("Kestrel receiver on 127.0.0.1 that answers 200 at once and keeps the first delivery of each `Idempotency-Key`.");
        md.AppendLine("Each game is `POST /sessions` with the receiver as `callbackUrl`, then `POST /sessions/{id}/abandon`: one");
        md.AppendLine("webhook, for its `SessionAbandoned`. The lag is from the event's append timestamp (the store's, in the");
        md.AppendLine("webhook's body) to the webhook's arrival at the receiver, on the same machine's clock. Everything (API,");
        md.AppendLine("PostgreSQL, load and receiver) shares the machine's cores. Before the load, one game and its webhook make sure");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"the subscription runs: that webhook came {F(firstWebhook, "N1")} s after the game ended, the daemon starting.");
        md.AppendLine();
        PacedSection(md, options, paced, stages);
        if (burst is not null) BurstSection(md, options, burst);

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Duplicates (a webhook received again, same `Idempotency-Key`): {sink.Duplicates} of {sink.Requests:N0} requests.");
        return md.ToString();
    }

    private static void PacedSection(StringBuilder md, SideEffectsArguments options, PacedResult paced, Stages? stages)
    {
        md.AppendLine("### Paced");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Games due at {F(options.Rate, "N0")}/s for {F(options.Duration, "N0")} s, open loop (each starts when it is due, whatever the");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"others do); the first {F(options.Warmup, "N0")} s warm up. The lag counts the webhooks of the games due after the");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"warm-up; the bench then waits up to {F(options.DrainTimeout, "N0")} s for the webhooks still on their way. The");
        md.AppendLine("warm-up is there for the runtime's tiered JIT: a freshly started API spends much of its CPU compiling its paths");
        md.AppendLine("again, optimized, for its first half-minute or so under this load, which a server that has run for a while does not.");
        md.AppendLine();
        PacedTable(md, paced, stages);
        md.AppendLine();
        var lags = paced.Lags;
        var p99 = lags.Count > 0 ? Percentile(lags, 99) : double.PositiveInfinity;
        var rateMet = paced.FinishRate >= 0.95 * options.Rate;
        md.AppendLine("| target | measured | met |");
        md.AppendLine("|---|---:|---|");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| p99 lag < 1 s while games finish at 200/s | p99 {F(p99, "N0")} ms at {F(paced.FinishRate, "N1")} games/s | {Yes(p99 < 1000 && rateMet && options.Rate >= 200)} |");
    }

    private static void PacedTable(StringBuilder md, PacedResult paced, Stages? stages)
    {
        var lags = paced.Lags;
        var p99 = lags.Count > 0 ? Percentile(lags, 99) : double.PositiveInfinity;
        md.AppendLine("| measure | value |");
        md.AppendLine("|---|---:|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| games finished (abandon answered), per second | {F(paced.FinishRate, "N1")} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| webhooks received, per second | {F(paced.WebhookRate, "N1")} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| games measured (after the warm-up) | {paced.Measured.Count:N0} |");
        if (lags.Count > 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| lag p50 / p95 / p99 / max | {F(Median(lags), "N0")} / {F(Percentile(lags, 95), "N0")} / {F(p99, "N0")} / {F(lags.Max(), "N0")} ms |");
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| from the abandon's answer (client side) p50 / p99 | {F(Median(paced.AckLags), "N0")} / {F(Percentile(paced.AckLags, 99), "N0")} ms |");
        }

        if (stages is not null)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| of which append to side-effect record (daemon, subscription) p50 / p99 | {F(stages.SubscriptionP50, "N0")} / {F(stages.SubscriptionP99, "N0")} ms |");
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| of which record to delivered (wake-up, dispatcher, webhook) p50 / p99 | {F(stages.DispatcherP50, "N0")} / {F(stages.DispatcherP99, "N0")} ms |");
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"| request latency p50/p99: start, abandon | {Ms(paced.Measured.Select(g => g.StartLatency))}, {Ms(paced.Measured.Select(g => g.AbandonLatency))} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| failed games (not finished) | {paced.Games.Count(g => !g.Finished)}{Errors(paced.Games.Where(g => !g.Finished).ToList())} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| undelivered (after {F(paced.Drain, "N1")} s) | {paced.Undelivered} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| CPU in the window, cores | {paced.Cpu} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| CPU per game | {CpuPerGame(paced)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| PostgreSQL transactions per game (requests, daemon, dispatcher, background polling) | {F(paced.TransactionsPerGame, "F1")} |");
    }

    private static void BurstSection(StringBuilder md, SideEffectsArguments options, BurstResult burst)
    {
        md.AppendLine();
        md.AppendLine("### Burst");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"{burst.Games:N0} games by {options.BurstClients} clients, each playing its next game as soon as the last one finished. The");
        md.AppendLine("webhooks' rate is from the first arrival to the last; the drain is the backlog left when the last game finished");
        md.AppendLine("(finished games without their webhook yet) over the time until the last webhook arrived.");
        md.AppendLine();
        md.AppendLine("| measure | value |");
        md.AppendLine("|---|---:|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| games finished, per second | {F(burst.GameRate, "N0")} ({burst.Finished:N0} in {F(burst.Generation, "N1")} s) |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| **webhooks delivered, per second** | **{F(Burst.DeliveryRate(burst), "N0")}** |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| backlog when the games ended, drained at | {burst.Backlog:N0}, {(burst.Backlog > 0 ? F(Burst.DrainRate(burst), "N0") + "/s" : "n/a")} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| undelivered | {burst.Undelivered} |");
    }
}
