using System.Diagnostics;
using EventApi.Bench.Harness;
using Npgsql;
using static EventApi.Bench.Harness.Stats;
using static EventApi.Bench.Modes.SideEffects.SideEffectsReport;

namespace EventApi.Bench.Modes.SideEffects;

internal sealed record PacedResult(
    List<Game> Games,
    List<Game> Measured,
    double FinishRate,
    double WebhookRate,
    List<double> Lags,
    List<double> AckLags,
    int Undelivered,
    double Drain,
    CpuUsage Cpu,
    double TransactionsPerGame);
/// <summary>Where the lag goes, from the side-effect records: p50 and p99 in ms of the subscription's part (from the
/// event's append timestamp to the record's creation) and the dispatcher's (from the creation to the delivery, the
/// webhook's answer included).</summary>
internal sealed record Stages(double SubscriptionP50, double SubscriptionP99, double DispatcherP50, double DispatcherP99);

/// <summary>
/// Games finish at a fixed rate (open loop: each game starts when it is due, whatever the others do) for a duration;
/// after a warm-up, the lag of each finished game's webhook, from the event's append timestamp to its arrival.
/// </summary>
internal static class Paced
{
    private static readonly TimeSpan StatisticsDelay = TimeSpan.FromSeconds(11);

    public static async Task<PacedResult> MeasureAsync(HttpClient client, WebhookSink sink, BenchDatabase database, CpuMeter cpuMeter,
        SideEffectsArguments options)
    {
        var total = (int)Math.Round(options.Rate * options.Duration);
        Console.WriteLine();
        Console.WriteLine($"Paced: {total:N0} games due at {options.Rate:N0}/s for {options.Duration:N0} s (the first {options.Warmup:N0} s warm up).");
        var before = sink.Count;
        var transactions = await TransactionsAsync(database);
        var (games, cpu, origin) = await PlayAsync(client, sink, cpuMeter, options, total);
        var finished = games.Count(g => g.Finished);
        var drain = await Games.WaitForWebhooksAsync(sink, before + finished, options.DrainTimeout);
        // An idle backend reports its transactions to the statistics up to 10 s late (PGSTAT_IDLE_INTERVAL).
        await Task.Delay(StatisticsDelay);
        transactions = await TransactionsAsync(database) - transactions;

        var result = Summarize(games, sink.BySession(), origin, options, drain, cpu, transactions / (double)Math.Max(finished, 1));
        var lags = result.Lags;
        var measured = result.Measured;
        var failed = games.Where(g => !g.Finished).ToList();
        Console.WriteLine(
            $"  finished {result.FinishRate:N1} games/s in the window ({failed.Count} failed{Errors(failed)}); " +
            $"webhooks {result.WebhookRate:N1}/s; lag p50 {Median(lags):N0} ms, p99 {Percentile(lags, 99):N0} ms, max {lags.Max():N0} ms; " +
            $"{result.Undelivered} undelivered after {drain:N1} s");
        Console.WriteLine($"  request latency p50/p99: start {Ms(measured.Select(g => g.StartLatency))}, abandon {Ms(measured.Select(g => g.AbandonLatency))}");
        Console.WriteLine($"  CPU in the window (cores): {cpu}");
        Console.WriteLine($"  {CpuPerGame(result)}; {result.TransactionsPerGame:F1} PostgreSQL transactions per game");
        return result;
    }

    /// <summary>Starts every game when it is due, waits out the duration, and reads the CPU of the window after the warm-up.</summary>
    private static async Task<(List<Game> Games, CpuUsage Cpu, DateTimeOffset Origin)> PlayAsync(HttpClient client, WebhookSink sink,
        CpuMeter cpuMeter, SideEffectsArguments options, int total)
    {
        var origin = DateTimeOffset.UtcNow;
        var phase = Stopwatch.StartNew();
        var playing = new List<Task<Game>>(total);
        CpuTimes? windowStart = null;
        for (var i = 0; i < total; i++)
        {
            var due = i / options.Rate;
            var wait = due - phase.Elapsed.TotalSeconds;
            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds(wait));
            if (windowStart is null && due >= options.Warmup) windowStart = cpuMeter.Take();
            playing.Add(Games.PlayAsync(client, sink.Url, i, due, phase));
        }

        var rest = options.Duration - phase.Elapsed.TotalSeconds;
        if (rest > 0) await Task.Delay(TimeSpan.FromSeconds(rest));
        var cpu = (cpuMeter.Take() - (windowStart ?? cpuMeter.Take())).Cores;
        return ((await Task.WhenAll(playing)).ToList(), cpu, origin);
    }

    /// <summary>The games due after the warm-up, their webhooks' lags, and the rates within the window.</summary>
    private static PacedResult Summarize(List<Game> games, Dictionary<Guid, ReceivedWebhook> webhooks, DateTimeOffset origin,
        SideEffectsArguments options, double drain, CpuUsage cpu, double transactionsPerGame)
    {
        var window = options.Duration - options.Warmup;
        bool InWindow(double t) => t >= options.Warmup && t < options.Duration;
        var measured = games.Where(g => g.Finished && InWindow(g.Due)).ToList();
        var delivered = measured.Where(g => webhooks.ContainsKey(g.Id)).Select(g => (Game: g, Webhook: webhooks[g.Id])).ToList();
        var lags = delivered.Select(d => (d.Webhook.At - d.Webhook.Body.Timestamp).TotalMilliseconds).ToList();
        var ackLags = delivered.Select(d => (d.Webhook.At - d.Game.AcknowledgedAt).TotalMilliseconds).ToList();
        var ids = games.Where(g => g.Finished).Select(g => g.Id).ToHashSet();
        var webhookRate = webhooks.Values.Count(w => ids.Contains(w.Body.SessionId) && InWindow((w.At - origin).TotalSeconds)) / window;
        return new PacedResult(games, measured, games.Count(g => g.Finished && InWindow(g.FinishedAt)) / window, webhookRate,
            lags, ackLags, measured.Count - delivered.Count, drain, cpu, transactionsPerGame);
    }

    /// <summary>Transactions committed and rolled back in the bench's database so far (as the statistics collector has
    /// them: a backend reports at the end of a transaction, at most a second late).</summary>
    public static async Task<long> TransactionsAsync(BenchDatabase database)
    {
        await using var command = database.Raw.CreateCommand(
            "select xact_commit + xact_rollback from pg_stat_database where datname = current_database()");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public static async Task<Stages?> StagesAsync(BenchDatabase database, Guid[] sessions)
    {
        await using var command = database.Raw.CreateCommand("""
            select percentile_cont(array[0.5, 0.99]) within group (order by created - appended),
                   percentile_cont(array[0.5, 0.99]) within group (order by delivered - created)
            from (select extract(epoch from (data ->> 'eventTimestamp')::timestamptz) * 1000 as appended,
                         extract(epoch from (data ->> 'createdAt')::timestamptz) * 1000 as created,
                         extract(epoch from (data ->> 'deliveredAt')::timestamptz) * 1000 as delivered
                  from mt_doc_sideeffect
                  where (data ->> 'sessionId')::uuid = any($1) and data ->> 'kind' = 'webhook'
                    and data ->> 'deliveredAt' is not null) r
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = sessions });
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync() || reader.IsDBNull(0)) return null;
        var subscription = reader.GetFieldValue<double[]>(0);
        var dispatcher = reader.GetFieldValue<double[]>(1);
        var stages = new Stages(subscription[0], subscription[1], dispatcher[0], dispatcher[1]);
        Console.WriteLine($"  stages p50/p99: append to record {stages.SubscriptionP50:N0}/{stages.SubscriptionP99:N0} ms, " +
                          $"record to delivered {stages.DispatcherP50:N0}/{stages.DispatcherP99:N0} ms");
        return stages;
    }}
