using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EventApi.Bench.Harness;
using Npgsql;
using static EventApi.Bench.Harness.Report;
using static EventApi.Bench.Harness.Stats;

namespace EventApi.Bench;

/// <summary>
/// Side effects end to end: the API's Release build in its own process, a fast webhook receiver (<see cref="WebhookSink"/>)
/// in this one, and games played over HTTP, each started with the receiver as its callback URL and abandoned at once,
/// so that each finished game is one webhook (its <c>SessionAbandoned</c>). Creates its own database on the server of
/// the connection string (EVENTAPI_BENCH_PG or --connection) and drops it at the end.
/// <list type="bullet">
/// <item>Paced: games finish at a fixed rate (open loop: each game starts when it is due, whatever the others do) for
/// a duration; after a warm-up, the lag of each finished game's webhook, from the event's append timestamp (in its
/// body) to its arrival at the receiver.</item>
/// <item>Burst: games as fast as a few clients can finish them, and the rate at which their webhooks arrive, the
/// backlog included.</item>
/// </list>
/// </summary>
public static class SideEffectBenchmarks
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;
    private static readonly TimeSpan StatisticsDelay = TimeSpan.FromSeconds(11);

    private sealed record Options(
        string Connection,
        double Rate,
        double Duration,
        double Warmup,
        int Burst,
        int BurstClients,
        double DrainTimeout,
        IReadOnlyDictionary<string, string> Settings,
        string? Markdown);

    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var options = Parse(args);
        if (options is null) return 2;

        await using var database = await BenchDatabase.CreateAsync(options.Connection, "side-effects");
        await using var sink = await WebhookSink.StartAsync();
        await using var api = await ApiHost.StartAsync(database.ConnectionString, options.Settings);
        using var client = api.CreateClient();
        Console.WriteLine($"API on {api.Address} (pid {api.ProcessId}), receiver on {sink.Url}" +
                          (options.Settings.Count == 0 ? "; the API's default settings." : $"; settings: {Describe(options.Settings)}."));

        var ready = await FirstWebhookAsync(client, sink, options);
        if (ready is null) return 1;
        var paced = await PacedAsync(client, sink, database, await CpuMeter.CreateAsync(database, api.ProcessId), options);
        var stages = await StagesAsync(database, paced.Measured.Select(g => g.Id).ToArray());
        var burst = await BurstAsync(client, sink, options, firstIndex: paced.Games.Count + 1);
        var server = await ServerSummaryAsync(client, api.AdminKey);
        Console.WriteLine($"GET /admin/side-effects: {server}");
        if (api.Output.Length > 0) Console.WriteLine($"The API wrote:\n{api.Output}");

        var markdown = Render(options, database, ready.Value, paced, stages, burst, sink);
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (options.Markdown is not null) Report.WriteSection(options.Markdown, "side-effects", markdown);
        return 0;
    }

    private static Options? Parse(string[] args)
    {
        var connection = BenchArguments.DefaultServer;
        var rate = 200.0;
        // The warm-up lets the runtime's tiered JIT settle on the API's paths: 10 to 20 s after its start, a quarter of the
        // API's CPU was the JIT compiling them again (perf), which a server that has run for a while no longer pays.
        var duration = 50.0;
        var warmup = 30.0;
        var burst = 2000;
        var burstClients = 32;
        var drainTimeout = 30.0;
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        string? markdown = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--connection": connection = value; i++; break;
                case "--rate": rate = double.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--duration": duration = double.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--warmup": warmup = double.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--burst": burst = int.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--burst-clients": burstClients = int.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--drain-timeout": drainTimeout = double.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--set" when value?.Split('=', 2) is [var key, var setting]:
                    settings[key] = setting;
                    i++;
                    break;
                case "--markdown": markdown = value; i++; break;
                default:
                    Console.Error.WriteLine(
                        "usage: side-effects [--connection <npgsql connection string>] [--rate 200] [--duration 50] [--warmup 30] " +
                        "[--burst 2000] [--burst-clients 32] [--drain-timeout 30] [--set EventApi:SideEffects:<key>=<value>]... " +
                        "[--markdown docs/benchmarks.md]");
                    return null;
            }
        }

        if (!BenchArguments.HasServer(connection)) return null;

        if (rate <= 0 || warmup < 0 || duration <= warmup || burst < 0 || burstClients < 1 || drainTimeout <= 0)
        {
            Console.Error.WriteLine("--rate, --duration, --burst-clients and --drain-timeout must be positive, and --duration longer than --warmup.");
            return null;
        }

        return new Options(connection, rate, duration, warmup, burst, burstClients, drainTimeout, settings, markdown);
    }

    // ---- One game --------------------------------------------------------------------------------------------

    private sealed record StartBody(string Player, long Seed, string CallbackUrl);

    private sealed record Started(Guid Id, string Token);

    /// <summary>One game. <see cref="Due"/> and <see cref="FinishedAt"/> are seconds into its phase; <see cref="AcknowledgedAt"/>
    /// is when the abandon's answer arrived, by the wall clock.</summary>
    private sealed record Game(double Due, Guid Id, double FinishedAt, DateTimeOffset AcknowledgedAt, double StartLatency,
        double AbandonLatency, string? Error)
    {
        public bool Finished => Error is null;
    }

    /// <summary>Starts a session with the receiver as its callback URL, then abandons it.</summary>
    private static async Task<Game> PlayAsync(HttpClient client, Uri callback, long seed, double due, Stopwatch phase)
    {
        var sent = phase.Elapsed.TotalSeconds;
        try
        {
            using var start = await client.PostAsJsonAsync("/sessions", new StartBody("bench", seed, callback.ToString()), Json);
            if (start.StatusCode != HttpStatusCode.Created) return Failed($"POST /sessions answered {(int)start.StatusCode}.");
            var started = await start.Content.ReadFromJsonAsync<Started>(Json) ?? throw new InvalidDataException("No session.");
            var abandonSent = phase.Elapsed.TotalSeconds;

            using var request = new HttpRequestMessage(HttpMethod.Post, $"/sessions/{started.Id}/abandon");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", started.Token);
            using var abandon = await client.SendAsync(request);
            var acknowledgedAt = DateTimeOffset.UtcNow;
            var finishedAt = phase.Elapsed.TotalSeconds;
            return abandon.StatusCode == HttpStatusCode.OK
                ? new Game(due, started.Id, finishedAt, acknowledgedAt, abandonSent - sent, finishedAt - abandonSent, null)
                : Failed($"POST /sessions/{{id}}/abandon answered {(int)abandon.StatusCode}.");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return Failed(e.GetType().Name);
        }

        Game Failed(string error) => new(due, Guid.Empty, phase.Elapsed.TotalSeconds, DateTimeOffset.UtcNow, 0, 0, error);
    }

    /// <summary>Waits until the receiver has a webhook for each finished game (or the timeout); returns the seconds waited.</summary>
    private static async Task<double> WaitForWebhooksAsync(WebhookSink sink, int expected, double timeout)
    {
        var waited = Stopwatch.StartNew();
        while (sink.Count < expected && waited.Elapsed.TotalSeconds < timeout) await Task.Delay(50);
        return waited.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// One game, and its webhook, before the load: the async daemon starts the subscription some time after the API
    /// answers (its agents are assigned in the background), and that wait is no lag of a running system. Returns the
    /// seconds from the game's end to its webhook, or null when none came within the drain timeout.
    /// </summary>
    private static async Task<double?> FirstWebhookAsync(HttpClient client, WebhookSink sink, Options options)
    {
        var game = await PlayAsync(client, sink.Url, seed: 0, due: 0, Stopwatch.StartNew());
        if (!game.Finished) throw new InvalidOperationException($"The first game failed: {game.Error}");
        var waited = await WaitForWebhooksAsync(sink, 1, Math.Max(options.DrainTimeout, 60));
        if (sink.Count == 0)
        {
            Console.Error.WriteLine($"No webhook within {waited:N0} s of the first game: is the side-effects subscription running?");
            return null;
        }

        var first = (sink.BySession()[game.Id].At - game.AcknowledgedAt).TotalSeconds;
        Console.WriteLine($"The first game's webhook came {first:N1} s after it finished (the subscription starting).");
        return first;
    }

    // ---- Paced -----------------------------------------------------------------------------------------------

    private sealed record PacedResult(
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

    private static async Task<PacedResult> PacedAsync(HttpClient client, WebhookSink sink, BenchDatabase database, CpuMeter cpuMeter,
        Options options)
    {
        var total = (int)Math.Round(options.Rate * options.Duration);
        Console.WriteLine();
        Console.WriteLine($"Paced: {total:N0} games due at {options.Rate:N0}/s for {options.Duration:N0} s (the first {options.Warmup:N0} s warm up).");
        var before = sink.Count;
        var transactions = await TransactionsAsync(database);
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
            playing.Add(PlayAsync(client, sink.Url, i, due, phase));
        }

        var rest = options.Duration - phase.Elapsed.TotalSeconds;
        if (rest > 0) await Task.Delay(TimeSpan.FromSeconds(rest));
        var cpu = (cpuMeter.Take() - (windowStart ?? cpuMeter.Take())).Cores;
        var games = (await Task.WhenAll(playing)).ToList();
        var finished = games.Count(g => g.Finished);
        var drain = await WaitForWebhooksAsync(sink, before + finished, options.DrainTimeout);
        // An idle backend reports its transactions to the statistics up to 10 s late (PGSTAT_IDLE_INTERVAL).
        await Task.Delay(StatisticsDelay);
        transactions = await TransactionsAsync(database) - transactions;

        var window = options.Duration - options.Warmup;
        bool InWindow(double t) => t >= options.Warmup && t < options.Duration;
        var webhooks = sink.BySession();
        var measured = games.Where(g => g.Finished && InWindow(g.Due)).ToList();
        var delivered = measured.Where(g => webhooks.ContainsKey(g.Id)).Select(g => (Game: g, Webhook: webhooks[g.Id])).ToList();
        var lags = delivered.Select(d => (d.Webhook.At - d.Webhook.Body.Timestamp).TotalMilliseconds).ToList();
        var ackLags = delivered.Select(d => (d.Webhook.At - d.Game.AcknowledgedAt).TotalMilliseconds).ToList();
        var ids = games.Where(g => g.Finished).Select(g => g.Id).ToHashSet();
        var webhookRate = webhooks.Values.Count(w => ids.Contains(w.Body.SessionId) && InWindow((w.At - origin).TotalSeconds)) / window;
        var result = new PacedResult(games, measured, games.Count(g => g.Finished && InWindow(g.FinishedAt)) / window, webhookRate,
            lags, ackLags, measured.Count - delivered.Count, drain, cpu, transactions / (double)Math.Max(finished, 1));

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

    /// <summary>Transactions committed and rolled back in the bench's database so far (as the statistics collector has
    /// them: a backend reports at the end of a transaction, at most a second late).</summary>
    private static async Task<long> TransactionsAsync(BenchDatabase database)
    {
        await using var command = database.Raw.CreateCommand(
            "select xact_commit + xact_rollback from pg_stat_database where datname = current_database()");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Where the lag goes, from the side-effect records: p50 and p99 in ms of the subscription's part (from the
    /// event's append timestamp to the record's creation) and the dispatcher's (from the creation to the delivery, the
    /// webhook's answer included).</summary>
    private sealed record Stages(double SubscriptionP50, double SubscriptionP99, double DispatcherP50, double DispatcherP99);

    private static async Task<Stages?> StagesAsync(BenchDatabase database, Guid[] sessions)
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
    }

    // ---- Burst -----------------------------------------------------------------------------------------------

    private sealed record BurstResult(
        int Games,
        int Finished,
        double Generation,
        double GameRate,
        int Backlog,
        double FirstWebhook,
        double LastWebhook,
        int Undelivered);

    private static async Task<BurstResult?> BurstAsync(HttpClient client, WebhookSink sink, Options options, int firstIndex)
    {
        if (options.Burst == 0) return null;
        Console.WriteLine();
        Console.WriteLine($"Burst: {options.Burst:N0} games, {options.BurstClients} clients, as fast as they finish.");
        var before = sink.Count;
        var origin = DateTimeOffset.UtcNow;
        var phase = Stopwatch.StartNew();
        var next = -1;

        async Task<List<Game>> Client()
        {
            var played = new List<Game>();
            int i;
            while ((i = Interlocked.Increment(ref next)) < options.Burst)
                played.Add(await PlayAsync(client, sink.Url, firstIndex + i, phase.Elapsed.TotalSeconds, phase));
            return played;
        }

        var games = (await Task.WhenAll(Enumerable.Range(0, options.BurstClients).Select(_ => Client()))).SelectMany(g => g).ToList();
        var generation = phase.Elapsed.TotalSeconds;
        var finished = games.Count(g => g.Finished);
        var backlog = before + finished - sink.Count;
        await WaitForWebhooksAsync(sink, before + finished, options.DrainTimeout);

        var ids = games.Where(g => g.Finished).Select(g => g.Id).ToHashSet();
        var arrivals = sink.BySession().Values.Where(w => ids.Contains(w.Body.SessionId))
            .Select(w => (w.At - origin).TotalSeconds).Order().ToList();
        var result = new BurstResult(games.Count, finished, generation, finished / generation, backlog,
            arrivals.FirstOrDefault(), arrivals.LastOrDefault(), finished - arrivals.Count);
        Console.WriteLine(
            $"  {finished:N0} finished in {generation:N1} s ({result.GameRate:N0} games/s); backlog then {backlog:N0}; webhooks from " +
            $"{result.FirstWebhook:N2} s to {result.LastWebhook:N2} s: {DeliveryRate(result):N0}/s; {result.Undelivered} undelivered");
        return result;
    }

    /// <summary>Webhooks per second from the first arrival to the last.</summary>
    private static double DeliveryRate(BurstResult burst) =>
        (burst.Finished - burst.Undelivered - 1) / Math.Max(burst.LastWebhook - burst.FirstWebhook, 1e-3);

    /// <summary>Webhooks per second while the backlog left at the end of the games drained.</summary>
    private static double DrainRate(BurstResult burst) =>
        burst.Backlog / Math.Max(burst.LastWebhook - burst.Generation, 1e-3);

    private static async Task<string> ServerSummaryAsync(HttpClient client, string adminKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/side-effects");
        request.Headers.TryAddWithoutValidation("X-Admin-Key", adminKey);
        using var response = await client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    // ---- Report ----------------------------------------------------------------------------------------------

    /// <summary>CPU milliseconds per game finished in the window, and the rate at which the API and PostgreSQL alone
    /// would keep every core busy. Work still owed at the window's end (a backlog of webhooks) is not in it.</summary>
    private static string CpuPerGame(PacedResult paced)
    {
        var (cpu, rate) = (paced.Cpu, paced.FinishRate);
        if (rate <= 0) return "n/a";
        var server = cpu.Api + (cpu.Postgres ?? 0);
        return $"API {F(cpu.Api / rate * 1000, "F1")} ms" + (cpu.Postgres is { } postgres ? $", PostgreSQL {F(postgres / rate * 1000, "F1")} ms" : "") +
               $", bench {F(cpu.Bench / rate * 1000, "F1")} ms: the API and PostgreSQL alone fill {Environment.ProcessorCount} cores at " +
               $"{F(Environment.ProcessorCount / server * rate, "N0")} games/s";
    }

    private static string Describe(IReadOnlyDictionary<string, string> settings) =>
        string.Join(", ", settings.Select(s => $"`{s.Key}={s.Value}`"));

    private static string Ms(IEnumerable<double> seconds)
    {
        var ms = seconds.Select(s => s * 1000).ToList();
        return ms.Count == 0 ? "n/a" : $"{Median(ms):N0}/{Percentile(ms, 99):N0} ms";
    }

    private static string Errors(List<Game> failed) =>
        failed.Count == 0 ? "" : ": " + string.Join(", ", failed.GroupBy(g => g.Error).Select(g => $"{g.Count()} × {g.Key}"));

    private static string Render(Options options, BenchDatabase database, double firstWebhook, PacedResult paced, Stages? stages, BurstResult? burst, WebhookSink sink)
    {
        var lags = paced.Lags;
        var p99 = lags.Count > 0 ? Percentile(lags, 99) : double.PositiveInfinity;
        var rateMet = paced.FinishRate >= 0.95 * options.Rate;
        var md = Report.BeginSection("Side effects (webhooks)", database,
            "scripts/bench.sh side-effects     # or: dotnet run -c Release --project bench/EventApi.Bench -- side-effects --rate 200");
        md.AppendLine("End to end: the API's Release build in a process of its own, " +
                      (options.Settings.Count == 0 ? "with its default settings" : $"with {Describe(options.Settings)}") +
                      ", and in the bench process a");
        md.AppendLine("Kestrel receiver on 127.0.0.1 that answers 200 at once and keeps the first delivery of each `Idempotency-Key`.");
        md.AppendLine("Each game is `POST /sessions` with the receiver as `callbackUrl`, then `POST /sessions/{id}/abandon`: one");
        md.AppendLine("webhook, for its `SessionAbandoned`. The lag is from the event's append timestamp (the store's, in the");
        md.AppendLine("webhook's body) to the webhook's arrival at the receiver, on the same machine's clock. Everything (API,");
        md.AppendLine("PostgreSQL, load and receiver) shares the machine's cores. Before the load, one game and its webhook make sure");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"the subscription runs: that webhook came {F(firstWebhook, "N1")} s after the game ended, the daemon starting.");
        md.AppendLine();
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
        md.AppendLine();
        md.AppendLine("| target | measured | met |");
        md.AppendLine("|---|---:|---|");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| p99 lag < 1 s while games finish at 200/s | p99 {F(p99, "N0")} ms at {F(paced.FinishRate, "N1")} games/s | {Yes(p99 < 1000 && rateMet && options.Rate >= 200)} |");

        if (burst is not null)
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
            md.AppendLine(CultureInfo.InvariantCulture, $"| **webhooks delivered, per second** | **{F(DeliveryRate(burst), "N0")}** |");
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| backlog when the games ended, drained at | {burst.Backlog:N0}, {(burst.Backlog > 0 ? F(DrainRate(burst), "N0") + "/s" : "n/a")} |");
            md.AppendLine(CultureInfo.InvariantCulture, $"| undelivered | {burst.Undelivered} |");
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Duplicates (a webhook received again, same `Idempotency-Key`): {sink.Duplicates} of {sink.Requests:N0} requests.");
        return md.ToString();
    }
}
