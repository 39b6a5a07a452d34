using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EventApi.Bench.Harness;
using EventApi.Domain.Game;
using Npgsql;
using NpgsqlTypes;
using static EventApi.Bench.Harness.Report;
using static EventApi.Bench.Harness.Stats;

namespace EventApi.Bench;

/// <summary>
/// HTTP moves: single-move <c>POST /sessions/{id}/moves</c> against the API's Release build in a process of its own,
/// closed-loop at each concurrency level, against two baselines in the same run: a raw Npgsql single-row INSERT of
/// a stored move's JSON (autocommit, one transaction a row; the database's commit limit) and <c>GET /health/live</c>
/// on the same API process (the HTTP ceiling). The three cases take turns at each level. Creates its own database
/// on the server of the connection string (EVENTAPI_BENCH_PG or --connection) and drops it at the end.
/// </summary>
public static class HttpBenchmarks
{
    private const string Moves = "moves";
    private const string RawInsert = "raw INSERT";
    private const string TrivialGet = "trivial GET";
    private const string TrivialGetPath = "/health/live";
    private const int TargetConcurrency = 32;
    private const double TargetRatio = 0.5;

    private sealed record Options(
        string Connection,
        int[] Concurrency,
        TimeSpan Duration,
        TimeSpan WarmUp,
        int Sessions,
        string? Markdown);

    public static async Task<int> RunAsync(string[] args)
    {
        // Figures in the report and the console read the same everywhere.
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var options = Parse(args);
        if (options is null) return 2;

        var total = Stopwatch.StartNew();
        await using var database = await BenchDatabase.CreateAsync(options.Connection, "http");
        await using var api = await ApiHost.StartAsync(database.ConnectionString);
        Console.WriteLine($"API started at {api.Address} ({total.Elapsed.TotalSeconds:F1} s).");
        using var client = api.CreateClient();
        var cpu = await CpuMeter.CreateAsync(database, api.ProcessId);

        var sessions = new SessionPool(client);
        await sessions.TopUpAsync(options.Sessions);
        Console.WriteLine($"{options.Sessions} sessions started over HTTP ({total.Elapsed.TotalSeconds:F1} s).");

        // A first round of moves warms the API up and stores the events the INSERT baseline copies.
        await MeasureAsync(() => Task.FromResult<IWorker>(new MoveWorker(client, sessions)), options.Concurrency.Max(),
            options.WarmUp, options.WarmUp, cpu);
        var payload = await StoredMoveAsync(database);
        Console.WriteLine($"INSERT payload: the median stored TilesMoved, {payload.Bytes} bytes as jsonb text: {payload.Json}");
        await database.CreateRawEventsTableAsync();

        var cases = new (string Name, Func<Task<IWorker>> Open)[]
        {
            (Moves, () => Task.FromResult<IWorker>(new MoveWorker(client, sessions))),
            (RawInsert, async () => await InsertWorker.OpenAsync(database.Raw, payload.Json)),
            (TrivialGet, () => Task.FromResult<IWorker>(new GetWorker(client))),
        };

        var results = new List<Result>();
        var longestCatchUp = TimeSpan.Zero;
        foreach (var concurrency in options.Concurrency)
        {
            foreach (var (name, open) in cases)
            {
                // Games that ended are replaced here, outside the timed window.
                if (name == Moves) await sessions.TopUpAsync(options.Sessions);
                var result = new Result(name, concurrency, await MeasureAsync(open, concurrency, options.WarmUp, options.Duration, cpu));
                results.Add(result);
                Console.WriteLine(
                    $"  {concurrency,3} {name,-12} {result.RequestsPerSecond,8:N0} req/s  p50 {result.P50,7:F2} ms  " +
                    $"p95 {result.P95,7:F2} ms  p99 {result.P99,7:F2} ms  ({result.Requests:N0} requests)");

                // The async daemon's work on the moves' events is not left to slow the next case down.
                if (name == Moves)
                {
                    var catchUp = await WaitForDaemonAsync(database);
                    if (catchUp > longestCatchUp) longestCatchUp = catchUp;
                }
            }
        }

        await sessions.VerifyAsync();
        Console.WriteLine(
            $"Every session's board and move count on the server match the client's engine ({sessions.Started:N0} sessions, " +
            $"{sessions.Finished:N0} games over). Total {total.Elapsed.TotalSeconds:F0} s.");

        var run = new Run(options, payload, sessions.Started, sessions.Finished, longestCatchUp, results);
        Console.WriteLine();
        Console.WriteLine(ConsoleTable(run));
        var markdown = Render(run, database);
        Console.WriteLine(markdown);
        if (options.Markdown is not null) Report.WriteSection(options.Markdown, "http", markdown);
        return 0;
    }

    private static Options? Parse(string[] args)
    {
        var connection = BenchArguments.DefaultServer;
        int[] concurrency = [1, 8, 32, 64];
        var duration = 7.0;
        var warmUp = 1.0;
        var sessions = 256;
        string? markdown = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--connection": connection = value; i++; break;
                case "--concurrency":
                    concurrency = BenchArguments.Integers(value!);
                    i++;
                    break;
                case "--duration": duration = double.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--warmup": warmUp = double.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--sessions": sessions = int.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--markdown": markdown = value; i++; break;
                default:
                    Console.Error.WriteLine(
                        "usage: http [--connection <npgsql connection string>] [--concurrency 1,8,32,64] " +
                        "[--duration <seconds a case a level> 7] [--warmup <seconds> 1] [--sessions 256] " +
                        "[--markdown docs/benchmarks.md]");
                    return null;
            }
        }

        if (!BenchArguments.HasServer(connection)) return null;

        if (concurrency.Length == 0 || concurrency.Any(c => c < 1) || duration <= 0 || warmUp < 0)
        {
            Console.Error.WriteLine("--concurrency needs levels of at least 1, --duration a positive and --warmup a non-negative number of seconds.");
            return null;
        }

        // Every worker needs a session of its own, and a game that ends leaves the pool until the next top-up.
        if (sessions < 2 * concurrency.Max())
        {
            Console.Error.WriteLine($"--sessions must be at least twice the highest concurrency ({2 * concurrency.Max()}).");
            return null;
        }

        return new Options(connection, concurrency, TimeSpan.FromSeconds(duration), TimeSpan.FromSeconds(warmUp), sessions, markdown);
    }

    // ---- The closed loop -------------------------------------------------------------------------------------

    /// <summary>One client of the closed loop: sends a request and returns when it is answered; throws on any failure.</summary>
    private interface IWorker : IAsyncDisposable
    {
        Task SendAsync();
    }

    /// <summary>
    /// Latencies (ms) of the requests sent within the window, how long the window lasted until the last answer, and
    /// the CPU time spent meanwhile.
    /// </summary>
    private sealed record Measurement(List<double> Latencies, TimeSpan Elapsed, CpuTimes Cpu);

    /// <summary>
    /// <paramref name="concurrency"/> workers send requests back to back for the warm-up (not recorded), then for
    /// <paramref name="duration"/>: every request sent in that window is recorded.
    /// </summary>
    private static async Task<Measurement> MeasureAsync(Func<Task<IWorker>> open, int concurrency, TimeSpan warmUp,
        TimeSpan duration, CpuMeter cpu)
    {
        var workers = new IWorker[concurrency];
        for (var w = 0; w < concurrency; w++) workers[w] = await open();
        try
        {
            var windowStart = Stopwatch.GetTimestamp() + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
            var windowEnd = windowStart + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            var cpuAtStart = Task.Run(async () =>
            {
                await Task.Delay(warmUp);
                return cpu.Take();
            });
            var loops = workers.Select(worker => Task.Run(async () =>
            {
                var latencies = new List<double>();
                var lastAnswer = windowStart;
                while (Stopwatch.GetTimestamp() is var sent && sent < windowEnd)
                {
                    await worker.SendAsync();
                    if (sent < windowStart) continue;
                    lastAnswer = Stopwatch.GetTimestamp();
                    latencies.Add(Stopwatch.GetElapsedTime(sent, lastAnswer).TotalMilliseconds);
                }

                return (latencies, lastAnswer);
            })).ToArray();
            var done = await Task.WhenAll(loops);
            var cpuAtEnd = cpu.Take();
            return new Measurement(done.SelectMany(d => d.latencies).ToList(),
                Stopwatch.GetElapsedTime(windowStart, done.Max(d => d.lastAnswer)), cpuAtEnd - await cpuAtStart);
        }
        finally
        {
            foreach (var worker in workers) await worker.DisposeAsync();
        }
    }

    private sealed record Result(
        string Case,
        int Concurrency,
        int Requests,
        double RequestsPerSecond,
        double P50,
        double P95,
        double P99,
        CpuTimes CpuPerRequest,
        double CoresBusy)
    {
        public Result(string @case, int concurrency, Measurement m)
            : this(@case, concurrency, m.Latencies.Count, m.Latencies.Count / m.Elapsed.TotalSeconds,
                Percentile(m.Latencies, 50), Percentile(m.Latencies, 95), Percentile(m.Latencies, 99),
                m.Cpu / m.Latencies.Count, m.Cpu.Processes / m.Elapsed)
        {
        }
    }

    /// <summary>Waits until every async projection and subscription has processed every event the moves appended.</summary>
    private static async Task<TimeSpan> WaitForDaemonAsync(BenchDatabase database)
    {
        var waited = Stopwatch.StartNew();
        await using var command = database.Raw.CreateCommand("""
            SELECT (SELECT coalesce(max(seq_id), 0) FROM mt_events) - coalesce(min(last_seq_id), 0)
            FROM mt_event_progression WHERE name NOT LIKE 'HighWater%'
            """);
        while ((long)(await command.ExecuteScalarAsync())! > 0)
        {
            if (waited.Elapsed > TimeSpan.FromMinutes(1))
                throw new TimeoutException("The async daemon did not catch up with the moves within a minute.");
            await Task.Delay(50);
        }

        return waited.Elapsed;
    }

    private static async Task<Exception> FailureAsync(HttpResponseMessage response, string request) =>
        new InvalidOperationException(
            $"{request} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");

    /// <summary>One move a request on a session of the pool's that no other request has in flight.</summary>
    private sealed class MoveWorker(HttpClient client, SessionPool sessions) : IWorker
    {
        public async Task SendAsync()
        {
            var session = sessions.Take();
            var (direction, next) = ChooseMove(session.Game);
            using var request = new HttpRequestMessage(HttpMethod.Post, session.MovesUri);
            request.Headers.Authorization = session.Authorization;
            request.Content = new ByteArrayContent(MoveBodies[(int)direction])
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
            };
            using var response = await client.SendAsync(request);
            if (!response.IsSuccessStatusCode) throw await FailureAsync(response, $"POST {session.MovesUri} ({direction})");
            session.Game = next;
            sessions.Return(session);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class GetWorker(HttpClient client) : IWorker
    {
        public async Task SendAsync()
        {
            using var response = await client.GetAsync(TrivialGetPath);
            if (!response.IsSuccessStatusCode) throw await FailureAsync(response, $"GET {TrivialGetPath}");
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>A connection of its own and a stream of its own: one autocommit single-row INSERT a request.</summary>
    private sealed class InsertWorker : IWorker
    {
        private readonly NpgsqlConnection _connection;
        private readonly NpgsqlCommand _insert;
        private readonly NpgsqlParameter<long> _version = new() { TypedValue = 0 };

        private InsertWorker(NpgsqlConnection connection, string json)
        {
            _connection = connection;
            _insert = new NpgsqlCommand(
                "INSERT INTO raw_events (stream_id, version, type, data) VALUES ($1, $2, $3, $4)", connection)
            {
                Parameters =
                {
                    new NpgsqlParameter { Value = Guid.CreateVersion7() },
                    _version,
                    new NpgsqlParameter { Value = "tiles_moved" },
                    new NpgsqlParameter { Value = json, NpgsqlDbType = NpgsqlDbType.Jsonb },
                },
            };
        }

        public static async Task<InsertWorker> OpenAsync(NpgsqlDataSource source, string json) =>
            new(await source.OpenConnectionAsync(), json);

        public async Task SendAsync()
        {
            _version.TypedValue++;
            await _insert.ExecuteNonQueryAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await _insert.DisposeAsync();
            await _connection.DisposeAsync();
        }
    }

    // ---- Sessions --------------------------------------------------------------------------------------------

    private static readonly Direction[] MovePreference = [Direction.Down, Direction.Left, Direction.Right, Direction.Up];

    // Indexed by Direction: {"moves":["up"]}, ...
    private static readonly byte[][] MoveBodies = Enum.GetValues<Direction>()
        .Select(d => JsonSerializer.SerializeToUtf8Bytes(new { moves = new[] { d.ToString().ToLowerInvariant() } }))
        .ToArray();

    /// <summary>
    /// The first move of down, left, right, up that moves a tile (kept to a corner, games last a few hundred
    /// moves), and the game after it as the server will play it: the client runs the same engine on the open seed.
    /// </summary>
    private static (Direction Direction, GameState Next) ChooseMove(GameState game)
    {
        foreach (var direction in MovePreference)
        {
            var next = game;
            if (Engine.TryMove(ref next, direction, [], out _)) return (direction, next);
        }

        throw new InvalidOperationException($"No move is left on {game.Board}, yet the game was not over.");
    }

    private static GameState StartGame(uint seed) => Engine.Start(seed, out _, out _);

    private sealed class PlayedSession(Guid id, string token, GameState game)
    {
        public Guid Id { get; } = id;
        public Uri MovesUri { get; } = new($"/sessions/{id}/moves", UriKind.Relative);
        public AuthenticationHeaderValue Authorization { get; } = new("Bearer", token);

        /// <summary>The game as the client's engine has played it: what the server holds after every answered move.</summary>
        public GameState Game { get; set; } = game;
    }

    /// <summary>The fields of a session's JSON the bench reads (the API's SessionResponse and StartedSessionResponse).</summary>
    private sealed record SessionJson(Guid Id, string? Token, string Status, long? Seed, int[][] Board, int MoveCount);

    /// <summary>
    /// Open sessions started over HTTP, each in the pool or in one request's hands, never two: moves do not contend
    /// on a stream. A session whose game is over leaves the pool; <see cref="TopUpAsync"/> replaces it.
    /// </summary>
    private sealed class SessionPool(HttpClient client)
    {
        private readonly ConcurrentQueue<PlayedSession> _idle = new();
        private readonly ConcurrentBag<PlayedSession> _all = [];
        private int _finished;

        public int Started => _all.Count;
        public int Finished => _finished;

        public PlayedSession Take() =>
            _idle.TryDequeue(out var session)
                ? session
                : throw new InvalidOperationException("The session pool ran dry: more games ended than --sessions allows for.");

        public void Return(PlayedSession session)
        {
            if (session.Game.Over) Interlocked.Increment(ref _finished);
            else _idle.Enqueue(session);
        }

        public async Task TopUpAsync(int count)
        {
            var missing = count - _idle.Count;
            await Parallel.ForAsync(0, missing, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
            {
                var seed = (uint)Random.Shared.NextInt64(uint.MaxValue + 1L);
                using var response = await client.PostAsJsonAsync("/sessions", new { player = "bench", seed }, ct);
                if (!response.IsSuccessStatusCode) throw await FailureAsync(response, "POST /sessions");
                var started = (await response.Content.ReadFromJsonAsync<SessionJson>(JsonSerializerOptions.Web, ct))!;
                var game = StartGame(seed);
                if (started.Seed != seed || Board.FromRows(started.Board) != game.Board)
                {
                    throw new InvalidOperationException($"Session {started.Id} did not start as the engine starts seed {seed}.");
                }

                var session = new PlayedSession(started.Id, started.Token!, game);
                _all.Add(session);
                _idle.Enqueue(session);
            });
        }

        /// <summary>Every session the bench played, as the server holds it, against the client's engine.</summary>
        public Task VerifyAsync() =>
            Parallel.ForEachAsync(_all, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (session, ct) =>
            {
                var view = (await client.GetFromJsonAsync<SessionJson>($"/sessions/{session.Id}", JsonSerializerOptions.Web, ct))!;
                var status = session.Game.Over ? "over" : "active";
                if (Board.FromRows(view.Board) != session.Game.Board || view.MoveCount != session.Game.MoveCount || view.Status != status)
                {
                    throw new InvalidOperationException(
                        $"Session {session.Id} is {view.Status} at {view.MoveCount} moves on the server, {status} at " +
                        $"{session.Game.MoveCount} in the client's engine.");
                }
            });
    }

    private sealed record StoredMove(string Json, int Bytes);

    /// <summary>The median-sized TilesMoved the API stored in this run, for the INSERT baseline to write.</summary>
    private static async Task<StoredMove> StoredMoveAsync(BenchDatabase database)
    {
        await using var command = database.Raw.CreateCommand("""
            SELECT data::text FROM mt_events WHERE type = 'tiles_moved'
            ORDER BY octet_length(data::text)
            OFFSET (SELECT count(*) / 2 FROM mt_events WHERE type = 'tiles_moved') LIMIT 1
            """);
        var json = (string?)await command.ExecuteScalarAsync()
                   ?? throw new InvalidOperationException("The warm-up stored no TilesMoved.");
        return new StoredMove(json, Encoding.UTF8.GetByteCount(json));
    }

    // ---- Report ----------------------------------------------------------------------------------------------

    private sealed record Run(
        Options Options,
        StoredMove Payload,
        int Sessions,
        int GamesOver,
        TimeSpan LongestCatchUp,
        List<Result> Results)
    {
        public double Ratio(int concurrency, string of, string to) =>
            Find(of, concurrency).RequestsPerSecond / Find(to, concurrency).RequestsPerSecond;

        private Result Find(string @case, int concurrency) => Results.Single(r => r.Case == @case && r.Concurrency == concurrency);
    }

    /// <summary>Appends <paramref name="text"/> wrapped at 118 characters; a list item's lines continue under its text.</summary>
    private static void Paragraph(StringBuilder md, string text)
    {
        const int width = 118;
        var indent = text.StartsWith("- ", StringComparison.Ordinal) ? "  " : "";
        var line = new StringBuilder();
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                md.AppendLine(line.ToString());
                line.Clear().Append(indent);
            }
            else if (line.Length > 0)
            {
                line.Append(' ');
            }

            line.Append(word);
        }

        md.AppendLine(line.ToString());
    }

    private static string Ms(TimeSpan? time) => time is { } t ? F(t.TotalMilliseconds, "F2") : "n/a";

    private static string ConsoleTable(Run run)
    {
        var table = new StringBuilder();
        table.AppendLine(
            $"{"concurrency",11}  {"case",-12} {"req/s",8} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8}  " +
            $"{"CPU ms/req: API",15} {"PG",6} {"bench",6} {"cores",6}  {"moves/INSERT",12} {"moves/GET",9}");
        foreach (var r in run.Results)
        {
            var ratios = r.Case == Moves
                ? $"{F(run.Ratio(r.Concurrency, Moves, RawInsert), "F2"),12} {F(run.Ratio(r.Concurrency, Moves, TrivialGet), "F2"),9}"
                : "";
            table.AppendLine(
                $"{r.Concurrency,11}  {r.Case,-12} {F(r.RequestsPerSecond, "N0"),8} {F(r.P50, "F2"),8} {F(r.P95, "F2"),8} " +
                $"{F(r.P99, "F2"),8}  {Ms(r.CpuPerRequest.Api),15} {Ms(r.CpuPerRequest.Postgres),6} " +
                $"{Ms(r.CpuPerRequest.Bench),6} {F(r.CoresBusy, "F2"),6}  {ratios}");
        }

        return table.ToString();
    }

    private static string Render(Run run, BenchDatabase database)
    {
        var options = run.Options;
        var md = Report.BeginSection("HTTP moves", database,
            "scripts/bench.sh http       # builds src/Api in Release, then: dotnet run -c Release --project bench/EventApi.Bench -- http");
        md.AppendLine("The API's Release build runs as a process of its own (Production environment, log level Warning, the async");
        md.AppendLine("daemon running as in production) on a database of the run's own. The load generator runs in the bench process and");
        md.AppendLine("PostgreSQL in a third: **all three share the machine's 2 cores**. Every figure, the baselines' too, is bounded by");
        md.AppendLine("that, and a ratio compares what each case gets out of the same machine, not out of a dedicated server.");
        md.AppendLine();
        Paragraph(md,
            "Closed loop: at each concurrency N, N workers send requests back to back, each the next as soon as the last is " +
            $"answered: {F(options.WarmUp.TotalSeconds, "0.#")} s of warm-up (not recorded), then {F(options.Duration.TotalSeconds, "0.#")} s. " +
            "Every request sent in that window is recorded, its latency timed with `Stopwatch` from sending to the whole " +
            "answer read; requests/s is their number over the time from the window's start to its last answer. The three " +
            "cases take turns at each level, so drift affects all alike. Every request must answer 2xx: any other status " +
            "fails the run, so there are no errors to report.");
        md.AppendLine();
        Paragraph(md,
            "- **moves:** `POST /sessions/{id}/moves` with one move (`{\"moves\":[\"down\"]}`) and the session's bearer token, " +
            "without `If-Match` or `Idempotency-Key` (both optional). Before measuring, the bench starts " +
            $"{options.Sessions} sessions over HTTP with open seeds and plays them with its own copy of the engine: each move " +
            "is the first of down, left, right, up that moves a tile, so every move is accepted. A worker takes a session " +
            "from the pool for one request and puts it back after the answer, so no two requests in flight share a stream. " +
            "A game that ends leaves the pool and is replaced by a new session before the next run of moves, outside the " +
            "timed window. After each run of moves the bench waits until the async daemon has processed every event " +
            $"(at most {F(run.LongestCatchUp.TotalSeconds, "F1")} s in this run), so its work does not slow the next case. " +
            "At the end, every session's board, move count and status on the server are checked against the client's engine " +
            $"({run.Sessions:N0} sessions, {run.GamesOver:N0} of them played to game over; all match).");
        Paragraph(md,
            "- **raw INSERT:** each worker has a connection of its own from an `NpgsqlDataSource` and a stream of its own, and " +
            "sends one single-row `INSERT` (stream id, version, type and the JSON as `jsonb`, into a table with a unique " +
            "(stream, version)) in autocommit: one statement, one transaction and one round trip a row. The JSON is a " +
            $"`TilesMoved` as the API stored it in this run's warm-up, the median-sized one: {run.Payload.Bytes} bytes as " +
            "`jsonb` text. A move writes more than that row (the stream's version and the inline `SessionView` as well); " +
            "that difference is part of what the ratio measures.");
        Paragraph(md,
            $"- **trivial GET:** `GET {TrivialGetPath}` on the same API process: the cheapest endpoint, which runs no health " +
            "check and reads no database.");
        md.AppendLine();
        Paragraph(md,
            "CPU is read from `/proc/<pid>/stat` at the window's start and end: the API process, the PostgreSQL server with " +
            "all its processes, and the bench, each over the requests recorded; \"cores busy\" is their sum over the window's " +
            "length (2 at most). It is the CPU these three used, whatever else ran on the machine. It includes what each " +
            "process does when idle (timers, the daemon's polling, spinning thread pools), which dominates at low request " +
            "rates: read it at 8 and above.");
        md.AppendLine();
        md.AppendLine("| concurrency | case | requests/s | p50 | p95 | p99 | CPU a request: API | PostgreSQL | bench | cores busy |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in run.Results)
        {
            md.AppendLine(
                $"| {r.Concurrency} | {r.Case} | {F(r.RequestsPerSecond, "N0")} | {F(r.P50, "F2")} ms | {F(r.P95, "F2")} ms | " +
                $"{F(r.P99, "F2")} ms | {Ms(r.CpuPerRequest.Api)} ms | {Ms(r.CpuPerRequest.Postgres)} ms | " +
                $"{Ms(r.CpuPerRequest.Bench)} ms | {F(r.CoresBusy, "F2")} |");
        }

        md.AppendLine();
        md.AppendLine("| concurrency | moves / raw INSERT | moves / trivial GET | target | met |");
        md.AppendLine("|---:|---:|---:|---|---|");
        foreach (var concurrency in options.Concurrency)
        {
            var ratio = run.Ratio(concurrency, Moves, RawInsert);
            var target = concurrency == TargetConcurrency ? $"≥ {F(TargetRatio, "0.0")} | {Yes(ratio >= TargetRatio)}" : " | ";
            md.AppendLine($"| {concurrency} | {F(ratio, "F2")} | {F(run.Ratio(concurrency, Moves, TrivialGet), "F2")} | {target} |");
        }

        if (!options.Concurrency.Contains(TargetConcurrency))
        {
            md.AppendLine();
            md.AppendLine($"The target is set at concurrency {TargetConcurrency}, which this run did not measure.");
        }

        return md.ToString();
    }
}
