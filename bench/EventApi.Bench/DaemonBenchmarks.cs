using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EventApi.Bench.Harness;
using EventApi.Domain.Challenges;
using EventApi.Domain.Game;
using EventApi.Domain.Sessions;
using EventApi.Projections.Leaderboards;
using EventApi.Projections.Sessions;
using EventApi.Projections.Statistics;
using EventApi.Projections.Timelines;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events;
using Npgsql;
using Weasel.Core;
using static EventApi.Bench.Harness.Report;
using static EventApi.Bench.Harness.Stats;

namespace EventApi.Bench;

/// <summary>
/// Daemon catch-up and rebuilds, against a raw read of the same events in the same run. Creates its own database on
/// the server of the connection string (EVENTAPI_BENCH_PG or --connection) and drops it at the end.
/// <list type="number">
/// <item>Plays real sessions through <see cref="SessionDecider"/> (interleaved, as concurrent players make them) and
/// bulk-loads their events with Marten's <c>BulkInsertEventStreamAsync</c> and their inline <see cref="SessionView"/>s
/// with <c>BulkInsertDocumentsAsync</c>, into the schema the API created, while no API runs.</item>
/// <item>Baseline: a raw Npgsql read of every event in sequence order, deserialized with System.Text.Json.</item>
/// <item>Catch-up: starts the API (its Release build, as a process of its own) and polls <c>GET /admin/projections</c>
/// until every shard has reached the last sequence.</item>
/// <item>Rebuilds: <c>POST /admin/projections/{name}/rebuild</c> of each async projection, one after another.</item>
/// </list>
/// </summary>
public static class DaemonBenchmarks
{
    // The async projections, by the names the rebuild endpoint takes; the side-effects subscription is the other shard.
    private static readonly string[] Projections =
    [
        SessionTimelineProjection.ProjectionName,
        StatisticsProjection.ProjectionName,
        PlayerStatisticsProjection.ProjectionName,
        FinishedGameProjection.ProjectionName,
    ];

    /// <summary>The issue's size. The default is a tenth of it: at the rates measured on the 2-core build machine (a
    /// catch-up of under 10,000 events/s, rebuilds of 25,000 to 80,000) a million events keep this mode busy for about
    /// five minutes, and every mode together has to finish within ten.</summary>
    private const int IssueEvents = 1_000_000;

    private const int DefaultEvents = 100_000;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Sessions in play at once: the load interleaves their commands, as concurrent players do.</summary>
    private const int ConcurrentSessions = 200;

    private sealed record Options(string Connection, int Events, int BaselineRounds, bool SkipRebuild, string? Markdown);

    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var options = Parse(args);
        if (options is null) return 2;

        Console.WriteLine($"Daemon catch-up and rebuilds over {options.Events:N0} events (the issue's size: --events {IssueEvents}).");

        // The API derives the daily challenges' seeds from this secret, and so does the generator.
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var settings = new Dictionary<string, string> { ["EventApi:Challenges:Secret"] = secret };

        await using var database = await BenchDatabase.CreateAsync(options.Connection, "daemon");

        // The API's own start-up creates the schema (ApplyAllDatabaseChangesOnStartup); it stops before any event
        // exists, so its daemon has nothing to process and the catch-up below starts from zero.
        Console.WriteLine("Creating the schema by starting the API once.");
        await (await ApiHost.StartAsync(database.ConnectionString, settings)).DisposeAsync();

        // The bulk load's store: the API's serializer and event settings and the session views, on the API's schema.
        using var store = SessionStore.Create(database.ConnectionString, "public", sessionView: true, AutoCreate.None);
        var workload = Workload.Generate(store, options.Events, Encoding.UTF8.GetBytes(secret));
        var load = await Load(store, database, workload);
        var baseline = await Baseline(database.Raw, SessionStore.TypesByName(store), workload.Events.Count, options.BaselineRounds);

        var (host, catchUp) = await CatchUp(database, settings, workload, load.LastSequence);
        await using var api = host;
        var rebuilds = options.SkipRebuild ? [] : await Rebuild(api, load.LastSequence);

        var markdown = Render(options, database, workload, load, baseline, catchUp, rebuilds);
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (options.Markdown is not null) Report.WriteSection(options.Markdown, "daemon", markdown);
        return 0;
    }

    private static Options? Parse(string[] args)
    {
        var connection = BenchArguments.DefaultServer;
        var events = DefaultEvents;
        var baselineRounds = 3;
        var skipRebuild = false;
        string? markdown = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--connection" when value is not null: connection = value; i++; break;
                case "--events" when int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n >= 1000: events = n; i++; break;
                case "--baseline-rounds" when int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n >= 1: baselineRounds = n; i++; break;
                case "--skip-rebuild": skipRebuild = true; break;
                case "--markdown" when value is not null: markdown = value; i++; break;
                default:
                    Console.Error.WriteLine(
                        $"usage: daemon [--connection <npgsql connection string>] [--events {DefaultEvents} (at least 1000; the issue's is {IssueEvents})] " +
                        "[--baseline-rounds 3] [--skip-rebuild] [--markdown docs/benchmarks.md]");
                    return null;
            }
        }

        if (!BenchArguments.HasServer(connection)) return null;

        return new Options(connection, events, baselineRounds, skipRebuild, markdown);
    }

    // ---- The workload ----------------------------------------------------------------------------------------

    /// <summary>
    /// Real sessions from the decider, their events in the order concurrent players append them: up to
    /// <see cref="ConcurrentSessions"/> sessions are in play at once, and each step one of them (picked at random) plays
    /// one move a command, as an interactive client does. A finished session's place goes to a new one.
    /// </summary>
    private sealed class Workload
    {
        public List<IEvent> Events { get; } = [];
        public List<BulkEventStreamHeader> Streams { get; } = [];
        public List<SessionView> Views { get; } = [];
        public int Over { get; private set; }
        public int Abandoned { get; private set; }
        public int Challenges { get; private set; }
        public int Milestones { get; private set; }
        public Dictionary<string, int> EventsByType { get; } = [];
        public TimeSpan Elapsed { get; private set; }

        public int Sessions => Views.Count;
        public int Active => Sessions - Over - Abandoned;

        /// <summary>The players' styles: a random legal move; the corner strategy (down, left, right, up: the first
        /// that moves), which reaches 512 and 1024; and quitters, who abandon after a few moves.</summary>
        private enum Style
        {
            Random,
            Corner,
            Quitter,
        }

        private sealed class Player(Guid id, Style style, int quitAfter)
        {
            public Guid Id { get; } = id;
            public Style Style { get; } = style;
            public int QuitAfter { get; } = quitAfter;
            public SessionState State { get; set; } = SessionState.Initial;
            public long Version { get; set; }
        }

        private static readonly Direction[] CornerOrder = [Direction.Down, Direction.Left, Direction.Right, Direction.Up];

        public static Workload Generate(DocumentStore store, int target, byte[] challengeSecret)
        {
            var watch = Stopwatch.StartNew();
            var workload = new Workload();
            var random = new Random(20261122);
            var at = new DateTimeOffset(2026, 11, 19, 0, 0, 0, TimeSpan.Zero);
            var playing = new Player?[ConcurrentSessions];
            var directions = new Direction[4];

            while (workload.Events.Count < target)
            {
                // About 0.26 s between commands: a million events span three days, so the daily statistics have days.
                at = at.AddMilliseconds(random.Next(20, 500));
                var slot = random.Next(playing.Length);
                var player = playing[slot];
                if (player is null)
                {
                    playing[slot] = player = workload.Start(store, random, at, challengeSecret);
                    continue;
                }

                SessionCommand command;
                if (player.Style == Style.Quitter && player.State.Game.MoveCount >= player.QuitAfter)
                {
                    command = new AbandonSession(at);
                }
                else
                {
                    Array.Copy(CornerOrder, directions, directions.Length);
                    if (player.Style != Style.Corner) random.Shuffle(directions);
                    var move = directions.First(d =>
                    {
                        var next = player.State.Game;
                        return Engine.TryMove(ref next, d, [], out _);
                    });
                    command = new MakeMoves([move], at);
                }

                workload.Append(store, player, command);
                if (player.State.Status != SessionStatus.Active)
                {
                    workload.Finish(player);
                    playing[slot] = null;
                }
            }

            // The sessions still in play stay active, as they are when a real store is loaded.
            foreach (var player in playing.OfType<Player>()) workload.Finish(player);
            workload.Elapsed = watch.Elapsed;
            return workload;
        }

        private Player Start(DocumentStore store, Random random, DateTimeOffset at, byte[] challengeSecret)
        {
            // Mixed: a tenth play the day's challenge (its public seed), half the rest have sealed seeds; no callback
            // URLs, since webhooks would be sent.
            var id = Guid.CreateVersion7(at);
            var name = $"player-{random.Next(1000):D4}";
            var style = (Style)random.Next(3);
            var player = new Player(id, style, random.Next(5, 150));
            StartSession command;
            if (random.Next(10) == 0)
            {
                var day = DailyChallenge.DayOf(at);
                command = StartSession.Open(id, name, DailyChallenge.SeedFor(day, challengeSecret), callbackUrl: null, at, day);
                Challenges++;
            }
            else if (random.Next(2) == 0)
            {
                var secret = new byte[GameRandom.SecretBytes];
                random.NextBytes(secret);
                command = StartSession.Sealed(id, name, secret, callbackUrl: null, at);
            }
            else
            {
                command = StartSession.Open(id, name, (uint)random.NextInt64(uint.MaxValue + 1L), callbackUrl: null, at);
            }

            Append(store, player, command);
            return player;
        }

        private void Append(DocumentStore store, Player player, SessionCommand command)
        {
            var decision = SessionDecider.Decide(command, player.State);
            if (!decision.IsAccepted) throw new InvalidOperationException(decision.Rejection!.Detail);
            foreach (var data in decision.Events)
            {
                player.State = SessionDecider.Evolve(player.State, data);
                var e = store.Events.BuildEvent(data);
                e.Id = Guid.CreateVersion7(command.At);
                e.StreamId = player.Id;
                e.Version = ++player.Version;
                e.Timestamp = command.At;
                Events.Add(e);
                EventsByType[e.EventTypeName] = EventsByType.GetValueOrDefault(e.EventTypeName) + 1;
                if (data is MilestoneReached) Milestones++;
            }
        }

        private void Finish(Player player)
        {
            if (player.State.Status == SessionStatus.Over) Over++;
            if (player.State.Status == SessionStatus.Abandoned) Abandoned++;
            Streams.Add(new BulkEventStreamHeader { Id = player.Id, Version = player.Version, AggregateType = typeof(SessionView) });
            // What SessionViewProjection writes inline: the decider's fold, at the stream's version.
            Views.Add(new SessionView { Id = player.Id, Version = player.Version, State = player.State });
        }
    }

    // ---- Load ------------------------------------------------------------------------------------------------

    private sealed record LoadResult(TimeSpan Events, TimeSpan Views, long LastSequence, long TableBytes);

    private static async Task<LoadResult> Load(DocumentStore store, BenchDatabase database, Workload workload)
    {
        Console.WriteLine();
        Console.WriteLine(
            $"Generated {workload.Events.Count:N0} events of {workload.Sessions:N0} sessions in {workload.Elapsed.TotalSeconds:F1} s " +
            $"({workload.Over:N0} over, {workload.Abandoned:N0} abandoned, {workload.Active:N0} active; {workload.Challenges:N0} " +
            $"daily challenges; {workload.Milestones:N0} milestones).");

        var watch = Stopwatch.StartNew();
        await store.BulkInsertEventStreamAsync(StorageConstants.DefaultTenantId, workload.Streams, workload.Events.ToAsyncEnumerable(), batchSize: 10_000);
        var events = watch.Elapsed;
        watch.Restart();
        await store.BulkInsertDocumentsAsync(workload.Views, batchSize: 5_000);
        var views = watch.Elapsed;

        // Autovacuum would analyze the new rows within a minute; doing it now makes every run start alike.
        await database.ExecuteAsync("ANALYZE");
        await using var command = database.Raw.CreateCommand(
            "SELECT (SELECT max(seq_id) FROM mt_events), pg_total_relation_size('mt_events')");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var result = new LoadResult(events, views, reader.GetInt64(0), reader.GetInt64(1));
        Console.WriteLine(
            $"Loaded: events {events.TotalSeconds:F1} s ({workload.Events.Count / events.TotalSeconds:N0} events/s), " +
            $"{workload.Views.Count:N0} session views {views.TotalSeconds:F1} s; last sequence {result.LastSequence:N0}, " +
            $"mt_events {result.TableBytes / (1024.0 * 1024):N0} MiB.");
        return result;
    }

    // ---- Baseline --------------------------------------------------------------------------------------------

    private sealed record BaselineResult(IReadOnlyList<double> Rates)
    {
        public double Rate => Median(Rates);
    }

    /// <summary>One streaming query over every event in sequence order, each row deserialized into its event type.</summary>
    private static async Task<BaselineResult> Baseline(NpgsqlDataSource raw, Dictionary<string, Type> typeByName, int expected, int rounds)
    {
        Console.WriteLine();
        Console.WriteLine($"Baseline: SELECT type, data FROM mt_events ORDER BY seq_id + System.Text.Json, {rounds} rounds.");
        var rates = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var watch = Stopwatch.StartNew();
            await using var command = raw.CreateCommand("SELECT type, data FROM mt_events ORDER BY seq_id");
            command.CommandTimeout = 0;
            await using var reader = await command.ExecuteReaderAsync();
            var count = 0;
            while (await reader.ReadAsync())
            {
                _ = JsonSerializer.Deserialize(reader.GetString(1), typeByName[reader.GetString(0)], SessionStore.Json)
                    ?? throw new InvalidDataException("A null event.");
                count++;
            }

            watch.Stop();
            if (count != expected) throw new InvalidOperationException($"Read {count} events, expected {expected}.");
            rates.Add(count / watch.Elapsed.TotalSeconds);
            Console.WriteLine($"  round {round + 1}: {watch.Elapsed.TotalSeconds:F2} s, {rates[^1]:N0} events/s");
        }

        return new BaselineResult(rates);
    }

    // ---- Catch-up --------------------------------------------------------------------------------------------

    private sealed record ShardResult(string Name, TimeSpan Reached);

    private sealed record CatchUpResult(
        TimeSpan Listening,
        TimeSpan FirstProgress,
        TimeSpan Done,
        IReadOnlyList<ShardResult> Shards,
        double MachineCpuSeconds,
        double ApiStartUpCpuSeconds,
        double ApiCpuSeconds,
        double? PostgresCpuSeconds)
    {
        /// <summary>The session timelines the catch-up wrote: how many heads and frames, and the JSON's average and
        /// largest size of each.</summary>
        public ((long Count, double AverageBytes, int MaxBytes) Heads, (long Count, double AverageBytes, int MaxBytes) Segments, long Frames) Timelines { get; init; }

        /// <summary>From the first progress seen to the last shard at the mark: the daemon's work without the start-up.</summary>
        public TimeSpan Working => Done - FirstProgress;
    }

    /// <summary>
    /// Starts the API, whose daemon starts from zero, and polls <c>GET /admin/projections</c> until every shard has
    /// reached <paramref name="lastSequence"/>. Hands the running API back for the rebuilds.
    /// </summary>
    private static async Task<(ApiHost Api, CatchUpResult Result)> CatchUp(BenchDatabase database,
        IReadOnlyDictionary<string, string> settings, Workload workload, long lastSequence)
    {
        Console.WriteLine();
        Console.WriteLine($"Catch-up: starting the API; every shard from zero to sequence {lastSequence:N0}.");
        // The API's process does not exist yet: its CPU is all it has used, read from the process at the end.
        var cpu = await CpuMeter.CreateAsync(database);
        var cpuAtStart = cpu.Take();
        var watch = Stopwatch.StartNew();
        var api = await ApiHost.StartAsync(database.ConnectionString, settings);
        try
        {
            var listening = watch.Elapsed;
            var startUpCpu = ProcessCpu.Of(api.ProcessId).TotalSeconds;
            using var client = AdminClient(api);
            TimeSpan? first = null;
            var reached = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
            var printed = TimeSpan.Zero;
            while (true)
            {
                var report = await client.GetFromJsonAsync<DaemonReport>("/admin/projections")
                             ?? throw new InvalidDataException("No daemon report.");
                var now = watch.Elapsed;
                foreach (var shard in report.Shards)
                {
                    if (shard.Error is { } error) throw new InvalidOperationException($"Shard {shard.Name} is {shard.Status}: {error}");
                    if (shard.Sequence > 0) first ??= now;
                    if (shard.Sequence >= lastSequence) reached.TryAdd(shard.Name, now);
                }

                if (report.Shards.Count > 0 && reached.Count == report.Shards.Count) break;
                if (now - printed >= TimeSpan.FromSeconds(5))
                {
                    printed = now;
                    Console.WriteLine($"  {now.TotalSeconds,6:F1} s: " +
                                      string.Join(", ", report.Shards.Select(s => $"{s.Name} {s.Sequence:N0}")));
                }

                if (now > TimeSpan.FromMinutes(15)) throw new TimeoutException($"The daemon had not caught up after {now}:\n{api.Output}");
                await Task.Delay(PollInterval);
            }

            var done = watch.Elapsed;
            var spent = cpu.Take() - cpuAtStart;
            var (machine, apiCpu, postgres) = (spent.Machine.TotalSeconds, ProcessCpu.Of(api.ProcessId).TotalSeconds, spent.Postgres?.TotalSeconds);
            var result = new CatchUpResult(listening, first ?? done, done,
                reached.OrderBy(r => r.Value).Select(r => new ShardResult(r.Key, r.Value)).ToArray(), machine, startUpCpu, apiCpu, postgres);
            foreach (var shard in result.Shards)
            {
                Console.WriteLine($"  {shard.Name,-28} at the mark after {shard.Reached.TotalSeconds,6:F1} s " +
                                  $"({lastSequence / shard.Reached.TotalSeconds:N0} events/s from process start)");
            }

            Console.WriteLine(
                $"  listening after {listening.TotalSeconds:F1} s, first progress {result.FirstProgress.TotalSeconds:F1} s, " +
                $"all at the mark {done.TotalSeconds:F1} s: {lastSequence / done.TotalSeconds:N0} events/s from process start, " +
                $"{lastSequence / result.Working.TotalSeconds:N0} from the first progress. CPU: machine {machine:F1} s, " +
                $"API {apiCpu:F1} s ({startUpCpu:F1} s of it until it listened), PostgreSQL {(postgres is { } p ? $"{p:F1} s" : "n/a")}.");
            await Verify(client, workload);
            await using (var count = database.Raw.CreateCommand(
                             "SELECT coalesce(sum(jsonb_array_length(data->'frames')), 0)::bigint FROM mt_doc_sessiontimelinesegment"))
            {
                result = result with
                {
                    Timelines = (await Sizes("mt_doc_sessiontimeline"), await Sizes("mt_doc_sessiontimelinesegment"), (long)(await count.ExecuteScalarAsync())!),
                };
            }

            var (heads, segments, frames) = result.Timelines;
            Console.WriteLine(
                $"  {heads.Count:N0} timeline heads, {heads.AverageBytes:N0} bytes of JSON on average, at most {heads.MaxBytes:N0}; " +
                $"{segments.Count:N0} segments holding {frames:N0} frames, {segments.AverageBytes:N0} bytes on average, at most {segments.MaxBytes:N0}.");
            return (api, result);

            async Task<(long, double, int)> Sizes(string table)
            {
                await using var sizes = database.Raw.CreateCommand(
                    $"SELECT count(*), coalesce(avg(octet_length(data::text)), 0)::float8, coalesce(max(octet_length(data::text)), 0) FROM {table}");
                await using var reader = await sizes.ExecuteReaderAsync();
                await reader.ReadAsync();
                return (reader.GetInt64(0), reader.GetDouble(1), reader.GetInt32(2));
            }
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    private static HttpClient AdminClient(ApiHost api)
    {
        var client = api.CreateClient(TimeSpan.FromMinutes(15));
        client.DefaultRequestHeaders.Add("X-Admin-Key", api.AdminKey);
        return client;
    }

    /// <summary>What the API reads back: the loaded session views and events, and the statistics the daemon built.</summary>
    private static async Task Verify(HttpClient client, Workload workload)
    {
        foreach (var view in new[] { workload.Views[0], workload.Views[workload.Views.Count / 2], workload.Views[^1] })
        {
            var session = await client.GetFromJsonAsync<SessionDto>($"/sessions/{view.Id}")
                          ?? throw new InvalidDataException($"No session {view.Id}.");
            var events = await client.GetFromJsonAsync<List<JsonElement>>($"/sessions/{view.Id}/events")
                         ?? throw new InvalidDataException($"No events of {view.Id}.");
            if (session.Score != view.State.Game.Score || session.MoveCount != view.State.Game.MoveCount || events.Count != view.Version)
            {
                throw new InvalidDataException(
                    $"Session {view.Id} reads back as score {session.Score}, {session.MoveCount} moves, {events.Count} events; " +
                    $"loaded: {view.State.Game.Score}, {view.State.Game.MoveCount}, {view.Version}.");
            }
        }

        var stats = (await client.GetFromJsonAsync<FreshDto<StatisticsDto>>("/stats"))?.Data
                    ?? throw new InvalidDataException("No statistics.");
        if (stats.SessionsStarted != workload.Sessions || stats.SessionsOver != workload.Over || stats.SessionsAbandoned != workload.Abandoned)
        {
            throw new InvalidDataException(
                $"GET /stats counts {stats.SessionsStarted} started, {stats.SessionsOver} over, {stats.SessionsAbandoned} abandoned; " +
                $"loaded: {workload.Sessions}, {workload.Over}, {workload.Abandoned}.");
        }

        Console.WriteLine("  Verified: three sessions and their events read back through the API; GET /stats counts every session.");
    }

    private sealed record DaemonReport(long HighWaterMark, IReadOnlyList<ShardDto> Shards);

    private sealed record ShardDto(string Name, string Projection, long Sequence, string Status, JsonElement? Error);

    private sealed record SessionDto(int Score, int MoveCount);

    private sealed record FreshDto<T>(T Data);

    private sealed record StatisticsDto(long SessionsStarted, long SessionsOver, long SessionsAbandoned);

    // ---- Rebuilds --------------------------------------------------------------------------------------------

    private sealed record RebuildResult(string Projection, double Seconds, long RebuiltTo, long EventsProcessed);

    private sealed record RebuildDto(string Projection, double DurationSeconds, long RebuiltTo, long EventsProcessed);

    /// <summary>Each async projection rebuilt in turn; the endpoint answers when its rebuild has finished.</summary>
    private static async Task<List<RebuildResult>> Rebuild(ApiHost api, long lastSequence)
    {
        Console.WriteLine();
        Console.WriteLine("Rebuilds: POST /admin/projections/{name}/rebuild, one projection at a time.");
        using var client = AdminClient(api);
        var results = new List<RebuildResult>();
        foreach (var name in Projections)
        {
            using var response = await client.PostAsync($"/admin/projections/{name}/rebuild", content: null);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException(
                    $"Rebuilding {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{api.Output}");
            }

            var body = await response.Content.ReadFromJsonAsync<RebuildDto>() ?? throw new InvalidDataException("No rebuild answer.");
            if (body.RebuiltTo != lastSequence) throw new InvalidDataException($"{name} was rebuilt to {body.RebuiltTo}, not {lastSequence}.");
            var result = new RebuildResult(name, body.DurationSeconds, body.RebuiltTo, body.EventsProcessed);
            Console.WriteLine($"  {name,-20} {result.Seconds,6:F1} s: {result.EventsProcessed:N0} events fed " +
                              $"({result.EventsProcessed / result.Seconds:N0}/s), {lastSequence / result.Seconds:N0} store events/s");
            results.Add(result);
        }

        return results;
    }

    // ---- Report ----------------------------------------------------------------------------------------------

    private static string Render(Options options, BenchDatabase database, Workload workload, LoadResult load,
        BaselineResult baseline, CatchUpResult catchUp, List<RebuildResult> rebuilds)
    {
        var events = (double)load.LastSequence;
        var catchUpRate = events / catchUp.Done.TotalSeconds;
        var workingRate = events / catchUp.Working.TotalSeconds;
        var ratio = catchUpRate / baseline.Rate;

        var md = Report.BeginSection("Daemon catch-up and rebuilds (PostgreSQL, the API as a process)", database,
            "scripts/bench.sh daemon     # or: dotnet run -c Release --project bench/EventApi.Bench -- daemon --events 1000000");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"**The events:** {load.LastSequence:N0} events of {workload.Sessions:N0} real sessions from `SessionDecider`, played one move a");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"command by {ConcurrentSessions} players at a time, so the streams interleave as concurrent players make them. A third of the");
        md.AppendLine("players make a random legal move, a third play the corner strategy (down, left, right, up: the first that moves),");
        md.AppendLine("a third move at random and abandon after 5 to 150 moves; a tenth of the sessions play the daily challenge, half the others have");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"sealed seeds, none has a callback URL. {workload.Over:N0} ended in game over, {workload.Abandoned:N0} were abandoned,");
        var byType = string.Join(", ", workload.EventsByType.OrderByDescending(t => t.Value).Select(t => $"`{t.Key}` {t.Value:N0}"));
        md.AppendLine(CultureInfo.InvariantCulture, $"{workload.Active:N0} are still active; {workload.Milestones:N0} milestones. By type: {byType}.");
        md.AppendLine();
        md.AppendLine("**The load (not a target):** the API's own start-up creates the schema, then stops before any event exists. The");
        md.AppendLine("bench loads the events with Marten's `BulkInsertEventStreamAsync` (binary `COPY`, sequences in the order above)");
        md.AppendLine("and the inline `SessionView` of each session, the decider's fold as `SessionViewProjection` writes it, with");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"`BulkInsertDocumentsAsync`, then runs `ANALYZE`: {F(load.Events.TotalSeconds, "F1")} s for the events " +
            $"({F(events / load.Events.TotalSeconds, "N0")} events/s, mt_events {F(load.TableBytes / (1024.0 * 1024), "N0")} MiB),");
        md.AppendLine(CultureInfo.InvariantCulture, $"{F(load.Views.TotalSeconds, "F1")} s for the views.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"**Baseline:** one streaming Npgsql query, `SELECT type, data FROM mt_events ORDER BY seq_id`, each row deserialized");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"with System.Text.Json into its event type (camelCase, enums as strings, as Marten's serializer), in the bench's process");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"while no API runs: the median of {baseline.Rates.Count} rounds ({string.Join(", ", baseline.Rates.Select(r => F(r, "N0")))} events/s).");
        md.AppendLine();
        md.AppendLine("**Catch-up:** the API's Release build starts on the loaded database (hot/cold daemon, every async projection and");
        md.AppendLine("the side-effects subscription from zero), and the bench polls `GET /admin/projections` every 200 ms until every");
        md.AppendLine("shard's sequence has reached the last event's. Timed from the process start, and from the first progress seen");
        md.AppendLine("(without the start-up and the daemon's leader election). Then three sessions and their events are read back");
        md.AppendLine("through the API and `GET /stats` is checked against the sessions loaded.");
        md.AppendLine();
        md.AppendLine("| shard | at the mark after | events/s from process start |");
        md.AppendLine("|---|---:|---:|");
        foreach (var shard in catchUp.Shards)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| `{shard.Name}` | {F(shard.Reached.TotalSeconds, "F1")} s | {F(events / shard.Reached.TotalSeconds, "N0")} |");
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"The API listened after {F(catchUp.Listening.TotalSeconds, "F1")} s and showed its first progress after " +
            $"{F(catchUp.FirstProgress.TotalSeconds, "F1")} s; every shard was at the mark after {F(catchUp.Done.TotalSeconds, "F1")} s.");
        var postgres = catchUp.PostgresCpuSeconds is { } pg
            ? $"PostgreSQL {F(pg, "F1")} s; the other {F(catchUp.MachineCpuSeconds - catchUp.ApiCpuSeconds - pg, "F1")} s were the bench's and whatever else ran on the machine"
            : "PostgreSQL not on this machine";
        md.AppendLine(CultureInfo.InvariantCulture,
            $"CPU over the catch-up ({F(catchUp.Done.TotalSeconds, "F1")} s of {Environment.ProcessorCount} cores): machine {F(catchUp.MachineCpuSeconds, "F1")} s, " +
            $"the API's process {F(catchUp.ApiCpuSeconds, "F1")} s ({F(catchUp.ApiStartUpCpuSeconds, "F1")} s of it until it listened), {postgres}.");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"The session timelines ({F(catchUp.Timelines.Heads.Count, "N0")}) have heads of {F(catchUp.Timelines.Heads.AverageBytes, "N0")} bytes of JSON on average " +
            $"({F(catchUp.Timelines.Heads.MaxBytes, "N0")} at most), which a batch rewrites, and {F(catchUp.Timelines.Segments.Count, "N0")} segments holding " +
            $"{F(catchUp.Timelines.Frames, "N0")} frames, {F(catchUp.Timelines.Segments.AverageBytes, "N0")} bytes of JSON on average " +
            $"({F(catchUp.Timelines.Segments.MaxBytes, "N0")} at most), each written once.");
        md.AppendLine();
        md.AppendLine("| measure | events/s | ratio to baseline | target | met |");
        md.AppendLine("|---|---:|---:|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| baseline: raw read + deserialize | {F(baseline.Rate, "N0")} | 1.00 | | |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| catch-up, all shards, from process start | {F(catchUpRate, "N0")} | {F(ratio, "F2")} | ≥ 0.25 of baseline, ≥ 20,000/s | " +
            $"{Yes(ratio >= 0.25 && catchUpRate >= 20_000)} |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| catch-up, all shards, from the first progress | {F(workingRate, "N0")} | {F(workingRate / baseline.Rate, "F2")} | | |");

        if (rebuilds.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("**Rebuilds:** `POST /admin/projections/{name}/rebuild` of each async projection in turn, on the caught-up API");
            md.AppendLine("(the endpoint answers when the rebuild has finished; its own `durationSeconds`). Events fed: those of the");
            md.AppendLine("types the projection declares, as the endpoint counts them. Informational: no target.");
            md.AppendLine();
            md.AppendLine("| projection | duration | events fed | fed/s | store events/s | ratio to baseline |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|");
            foreach (var r in rebuilds)
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| `{r.Projection}` | {F(r.Seconds, "F1")} s | {F(r.EventsProcessed, "N0")} | {F(r.EventsProcessed / r.Seconds, "N0")} | " +
                    $"{F(events / r.Seconds, "N0")} | {F(events / r.Seconds / baseline.Rate, "F2")} |");
            }
        }
        else
        {
            md.AppendLine();
            md.AppendLine("Rebuilds were skipped (`--skip-rebuild`).");
        }

        if (options.Events != IssueEvents)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture,
                $"**Not the issue's size:** {options.Events:N0} events, not {IssueEvents:N0}" +
                $"{(options.Events == DefaultEvents ? ": the default, so that every mode of `scripts/bench.sh` together finishes within 10 minutes on the build machine (a million events keep this mode busy for about five at the rates above); `--events 1000000` runs the issue's size" : " (`--events`)")}.");
        }

        return md.ToString();
    }
}
