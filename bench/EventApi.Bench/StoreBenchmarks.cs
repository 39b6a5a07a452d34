using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using EventApi.Api.Features.Sessions;
using EventApi.Api.Infrastructure;
using EventApi.Bench.Harness;
using EventApi.Domain.Game;
using EventApi.Domain.Sessions;
using EventApi.Projections.Sessions;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Npgsql;
using NpgsqlTypes;
using Weasel.Core;
using static EventApi.Bench.Harness.Report;
using static EventApi.Bench.Harness.Stats;

namespace EventApi.Bench;

/// <summary>
/// The store measurements, each against its baseline in the same run, with Stopwatch-timed loops (warm-up, then
/// measured rounds; the median round is reported). Creates its own database on the server of the connection string
/// (EVENTAPI_BENCH_PG or --connection) and drops it at the end.
/// <list type="bullet">
/// <item>Appends: events/s through Marten at 1, 10 and 100 events a transaction, against a raw Npgsql single-row
/// INSERT (one transaction each) and a raw Npgsql binary COPY (100 rows a transaction) of the same JSON.</item>
/// <item>Time travel: <c>GET /sessions/{id}/replay?version=N</c> on the API's Release build (and
/// <c>AggregateStreamAsync&lt;SessionView&gt;</c> in process) against a raw SELECT of the stream's events plus
/// System.Text.Json and <see cref="SessionDecider.Fold"/>, on games played through the API.</item>
/// </list>
/// </summary>
public static class StoreBenchmarks
{
    internal static readonly Type[] EventTypes =
        [typeof(SessionStarted), typeof(TilesMoved), typeof(MilestoneReached), typeof(GameOver), typeof(SessionAbandoned)];

    // What Marten's UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase) amounts to for reading.
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private sealed record Options(
        string Connection,
        int AppendEvents,
        int Rounds,
        int[] StreamSizes,
        string? Markdown);

    public static async Task<int> RunAsync(string[] args)
    {
        // Figures in the report and the console read the same everywhere.
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var options = Parse(args);
        if (options is null) return 2;

        await using var database = await BenchDatabase.CreateAsync(options.Connection, "store");
        var appends = await Appends(database, options);
        var travel = await TimeTravel(database, options);
        var markdown = Render(options, database, appends, travel);
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (options.Markdown is not null) Report.WriteSection(options.Markdown, "store", markdown);
        return 0;
    }

    private static Options? Parse(string[] args)
    {
        var connection = BenchArguments.DefaultServer;
        var appendEvents = 3000;
        var rounds = 3;
        int[] sizes = [100, 1_000, 10_000];
        string? markdown = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--connection": connection = value; i++; break;
                case "--events": appendEvents = int.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--rounds": rounds = int.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--streams":
                    sizes = BenchArguments.Integers(value!);
                    i++;
                    break;
                case "--markdown": markdown = value; i++; break;
                default:
                    Console.Error.WriteLine(
                        "usage: store [--connection <npgsql connection string>] [--events 3000] [--rounds 3] " +
                        "[--streams 100,1000,10000] [--markdown docs/benchmarks.md]");
                    return null;
            }
        }

        if (!BenchArguments.HasServer(connection)) return null;

        return new Options(connection, appendEvents, rounds, sizes, markdown);
    }

    /// <summary>
    /// A store as MartenSetup.AddEventApiMarten builds the API's (same serializer and event settings), without the web
    /// host; <paramref name="autoCreate"/> <see cref="AutoCreate.None"/> on a schema the API created.
    /// </summary>
    internal static DocumentStore Store(string connection, string schema, bool sessionView, AutoCreate autoCreate = AutoCreate.CreateOrUpdate)
    {
        // The product's store settings (MartenSetup), without the web host, its documents and its daemon.
        var options = new StoreOptions().UseEventStoreSettings(connection);
        options.DatabaseSchemaName = schema;
        options.AutoCreateSchemaObjects = autoCreate;
        AddEventTypes(options);
        if (sessionView) options.Projections.Add<SessionViewProjection>(ProjectionLifecycle.Inline);
        return new DocumentStore(options);
    }

    /// <summary>
    /// The session events under the names the API stores them with (SessionsFeature.ConfigureSessions): the events that
    /// changed shape are stored as their second version (<c>session_started_v2</c>, ...).
    /// </summary>
    internal static void AddEventTypes(StoreOptions options)
    {
        options.Events.MapEventTypeWithSchemaVersion<SessionStarted>(2);
        options.Events.MapEventTypeWithSchemaVersion<GameOver>(2);
        options.Events.MapEventTypeWithSchemaVersion<SessionAbandoned>(2);
        foreach (var type in EventTypes.Where(t => !SessionsFeature.FirstVersionNames.ContainsKey(t))) options.Events.AddEventType(type);
    }

    /// <summary>The event types by the names <paramref name="store"/> stores them with, to read <c>mt_events</c> by hand.</summary>
    internal static Dictionary<string, Type> TypesByName(DocumentStore store) =>
        ((IReadOnlyStoreOptions)store.Options).Events.AllKnownEventTypes().ToDictionary(t => t.EventTypeName, t => t.EventType);

    // ---- Appends ---------------------------------------------------------------------------------------------

    private sealed record AppendResult(string Name, int PerTransaction, double EventsPerSecond);

    private static async Task<List<AppendResult>> Appends(BenchDatabase database, Options options)
    {
        var raw = database.Raw;
        Console.WriteLine();
        Console.WriteLine($"Appends: {options.AppendEvents} events a round, {options.Rounds} rounds (and a warm-up round).");
        using var store = Store(database.ConnectionString, "bench_appends", sessionView: false);
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        const int streamCount = 64;
        var streams = Enumerable.Range(0, streamCount).Select(_ => Guid.NewGuid()).ToArray();
        await using (var session = store.LightweightSession())
        {
            foreach (var id in streams) session.Events.StartStream(id, Started(id, 1));
            await session.SaveChangesAsync();
        }

        // A TilesMoved of a typical size: one merge and the spawn.
        var moved = new TilesMoved(Direction.Left, [new Tile(0, 1, 8)], 8, new Tile(3, 2, 2), DateTimeOffset.UtcNow);
        var json = JsonSerializer.Serialize(moved, Json);
        Console.WriteLine($"Event JSON ({Encoding.UTF8.GetByteCount(json)} bytes): {json}");

        await database.CreateRawEventsTableAsync();

        long rawVersion = 0;
        var streamCursor = 0;

        async Task Marten(int perTransaction, int events)
        {
            for (var done = 0; done < events; done += perTransaction)
            {
                await using var session = store.LightweightSession();
                var batch = new object[perTransaction];
                Array.Fill(batch, moved);
                session.Events.Append(streams[streamCursor++ % streamCount], batch);
                await session.SaveChangesAsync();
            }
        }

        async Task Insert(int events)
        {
            await using var conn = await raw.OpenConnectionAsync();
            for (var done = 0; done < events; done++)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await using var command = new NpgsqlCommand(
                    "INSERT INTO raw_events (stream_id, version, type, data) VALUES ($1, $2, $3, $4)", conn, tx);
                command.Parameters.Add(new NpgsqlParameter { Value = streams[streamCursor++ % streamCount] });
                command.Parameters.Add(new NpgsqlParameter { Value = ++rawVersion });
                command.Parameters.Add(new NpgsqlParameter { Value = "tiles_moved" });
                command.Parameters.Add(new NpgsqlParameter { Value = json, NpgsqlDbType = NpgsqlDbType.Jsonb });
                await command.ExecuteNonQueryAsync();
                await tx.CommitAsync();
            }
        }

        async Task Copy(int perTransaction, int events)
        {
            await using var conn = await raw.OpenConnectionAsync();
            for (var done = 0; done < events; done += perTransaction)
            {
                await using var tx = await conn.BeginTransactionAsync();
                var id = streams[streamCursor++ % streamCount];
                await using (var writer = await conn.BeginBinaryImportAsync(
                                 "COPY raw_events (stream_id, version, type, data) FROM STDIN (FORMAT BINARY)"))
                {
                    for (var i = 0; i < perTransaction; i++)
                    {
                        await writer.StartRowAsync();
                        await writer.WriteAsync(id, NpgsqlDbType.Uuid);
                        await writer.WriteAsync(++rawVersion, NpgsqlDbType.Bigint);
                        await writer.WriteAsync("tiles_moved", NpgsqlDbType.Varchar);
                        await writer.WriteAsync(json, NpgsqlDbType.Jsonb);
                    }

                    await writer.CompleteAsync();
                }

                await tx.CommitAsync();
            }
        }

        var cases = new List<(string Name, int PerTransaction, Func<int, Task> Run)>
        {
            ("raw INSERT", 1, Insert),
            ("Marten", 1, n => Marten(1, n)),
            ("Marten", 10, n => Marten(10, n)),
            ("Marten", 100, n => Marten(100, n)),
            ("raw COPY", 100, n => Copy(100, n)),
        };

        var samples = cases.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round <= options.Rounds; round++)
        {
            // Round 0 warms up (a tenth of the events); the cases take turns in every round.
            var events = round == 0 ? Math.Max(100, options.AppendEvents / 10) : options.AppendEvents;
            events = events / 100 * 100;
            for (var c = 0; c < cases.Count; c++)
            {
                var watch = Stopwatch.StartNew();
                await cases[c].Run(events);
                watch.Stop();
                if (round > 0) samples[c].Add(events / watch.Elapsed.TotalSeconds);
            }
        }

        var results = cases.Select((c, i) => new AppendResult(c.Name, c.PerTransaction, Median(samples[i]))).ToList();
        foreach (var r in results) Console.WriteLine($"  {r.Name,-10} {r.PerTransaction,4}/tx  {r.EventsPerSecond,10:N0} events/s");
        return results;
    }

    // ---- Time travel -----------------------------------------------------------------------------------------

    private sealed record TravelResult(int Requested, int Version, int Moves, int MaxTile, double HttpMs, double MartenMs, double BaselineMs);

    private static async Task<List<TravelResult>> TimeTravel(BenchDatabase database, Options options)
    {
        Console.WriteLine();
        Console.WriteLine("Time travel: GET /sessions/{id}/replay?version=N against SELECT + STJ + Fold (and AggregateStreamAsync in process).");

        // The API on the bench's database (the public schema), as production runs it; the sessions are played through it.
        await using var api = await ApiHost.StartAsync(database.ConnectionString);
        using var http = api.CreateClient();

        // Marten in this process, on the API's schema: splits the endpoint's time between the fold and HTTP.
        var storeOptions = new StoreOptions().UseEventStoreSettings(database.ConnectionString);
        storeOptions.AutoCreateSchemaObjects = AutoCreate.None;
        AddEventTypes(storeOptions);
        storeOptions.Projections.Add<SessionViewProjection>(ProjectionLifecycle.Inline);
        using var store = new DocumentStore(storeOptions);

        var typeByName = TypesByName(store);
        var results = new List<TravelResult>();
        foreach (var requested in options.StreamSizes)
        {
            var (played, final) = Play(requested);
            var version = played.Count;
            var id = await PlayOverHttp(http, played);

            async Task<string> ByHttp()
            {
                using var response = await http.GetAsync($"/sessions/{id}/replay?version={version}");
                response.EnsureSuccessStatusCode();
                return await response.Content.ReadAsStringAsync();
            }

            async Task<SessionView?> ByMarten()
            {
                await using var session = store.QuerySession();
                return await session.Events.AggregateStreamAsync<SessionView>(id, version: version);
            }

            async Task<SessionState> ByHand()
            {
                await using var command = database.Raw.CreateCommand(
                    "SELECT type, data FROM public.mt_events WHERE stream_id = $1 AND version <= $2 ORDER BY version");
                command.Parameters.Add(new NpgsqlParameter { Value = id });
                command.Parameters.Add(new NpgsqlParameter { Value = (long)version });
                await using var reader = await command.ExecuteReaderAsync();
                var data = new List<object>(version);
                while (await reader.ReadAsync())
                {
                    data.Add(JsonSerializer.Deserialize(reader.GetString(1), typeByName[reader.GetString(0)], Json)!);
                }

                return SessionDecider.Fold(data);
            }

            // All three must agree with each other, and the game with the game as it was played (the API has its own
            // session id and clock).
            var folded = await ByHand();
            var view = await ByMarten() ?? throw new InvalidOperationException("Marten found no stream.");
            var answer = JsonSerializer.Deserialize<SessionResponse>(await ByHttp(), Json)!;
            if (folded.Game != final.Game || folded.Status != final.Status || view.State != folded || view.Version != version
                || JsonSerializer.Serialize(answer, Json) != JsonSerializer.Serialize(SessionResponse.From(version, folded), Json))
            {
                throw new InvalidOperationException($"The replays disagree at version {version}.");
            }

            var iterations = Math.Clamp(200_000 / version, 10, 200);
            var httpTimes = new List<double>();
            var martenTimes = new List<double>();
            var baselineTimes = new List<double>();
            for (var i = -Math.Max(3, iterations / 10); i < iterations; i++)
            {
                var watch = Stopwatch.StartNew();
                await ByHttp();
                var viaHttp = watch.Elapsed.TotalMilliseconds;
                watch.Restart();
                await ByMarten();
                var marten = watch.Elapsed.TotalMilliseconds;
                watch.Restart();
                await ByHand();
                var baseline = watch.Elapsed.TotalMilliseconds;
                if (i < 0) continue;
                httpTimes.Add(viaHttp);
                martenTimes.Add(marten);
                baselineTimes.Add(baseline);
            }

            var result = new TravelResult(requested, version, final.Game.MoveCount, final.Game.MaxTile,
                Median(httpTimes), Median(martenTimes), Median(baselineTimes));
            Console.WriteLine(
                $"  version {version,6} ({result.Moves} moves, max tile {result.MaxTile}), {iterations} iterations: " +
                $"HTTP {result.HttpMs:F2} ms, Marten {result.MartenMs:F2} ms, baseline {result.BaselineMs:F2} ms, " +
                $"ratio {result.HttpMs / result.BaselineMs:F2}");
            results.Add(result);
        }

        return results;
    }

    /// <summary>Plays a game through the API: an open session with the game's seed, then its moves, 1,000 a request.</summary>
    private static async Task<Guid> PlayOverHttp(HttpClient http, List<object> played)
    {
        var started = (SessionStarted)played[0];
        using var start = await http.PostAsJsonAsync("/sessions", new { player = started.Player, seed = started.Seed });
        start.EnsureSuccessStatusCode();
        var session = (await start.Content.ReadFromJsonAsync<StartedSessionResponse>(Json))!;
        var moves = played.OfType<TilesMoved>().Select(m => m.Direction.ToString().ToLowerInvariant()).ToArray();
        foreach (var chunk in moves.Chunk(MakeMovesRequest.MaxMoves))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/sessions/{session.Id}/moves")
            {
                Content = JsonContent.Create(new { moves = chunk }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.Token);
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }

        return session.Id;
    }

    private static SessionStarted Started(Guid id, uint seed) =>
        (SessionStarted)SessionDecider.Decide(
            StartSession.Open(id, "bench", seed, callbackUrl: null, DateTimeOffset.UtcNow), SessionState.Initial).Events[0];

    /// <summary>
    /// A real session through the decider, exactly <paramref name="target"/> events long: a start, then one move a
    /// command, each chosen by <see cref="Choose"/>. Seeds are tried from 1 until a game lasts that long; the stream
    /// ends where the target is reached, whole commands only.
    /// </summary>
    private static (List<object> Events, SessionState Final) Play(int target)
    {
        for (uint seed = 1; seed <= 64; seed++)
        {
            var at = new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);
            var state = SessionState.Initial;
            var events = new List<object>();

            void Accept(Decision decision)
            {
                if (!decision.IsAccepted) throw new InvalidOperationException(decision.Rejection!.Detail);
                foreach (var e in decision.Events)
                {
                    events.Add(e);
                    state = SessionDecider.Evolve(state, e);
                }
            }

            Accept(SessionDecider.Decide(StartSession.Open(Guid.NewGuid(), "bench", seed, null, at), state));
            while (events.Count < target && state.Status == SessionStatus.Active)
            {
                at = at.AddSeconds(1);
                Accept(SessionDecider.Decide(new MakeMoves([Choose(state.Game)], at), state));
            }

            if (events.Count >= target) return (events, state);
        }

        throw new InvalidOperationException($"No game of seeds 1 to 64 lasted {target:N0} events.");
    }

    private static readonly Direction[] Directions = [Direction.Up, Direction.Right, Direction.Down, Direction.Left];

    /// <summary>
    /// The move whose best continuation three moves further is best by <see cref="Evaluate"/>. The spawns follow from
    /// the seed, so the search sees them: it is exact, not an expectation.
    /// </summary>
    private static Direction Choose(GameState game)
    {
        var best = Direction.Up;
        var bestScore = double.NegativeInfinity;
        foreach (var direction in Directions)
        {
            var next = game;
            if (!Engine.TryMove(ref next, direction, [], out _)) continue;
            var score = Search(next, depth: 3);
            if (score > bestScore) (best, bestScore) = (direction, score);
        }

        return best;
    }

    private static double Search(GameState game, int depth)
    {
        if (game.Over) return double.MinValue;
        if (depth == 0) return Evaluate(game.Board);
        var best = double.MinValue;
        foreach (var direction in Directions)
        {
            var next = game;
            if (!Engine.TryMove(ref next, direction, [], out _)) continue;
            best = Math.Max(best, Search(next, depth - 1));
        }

        return best;
    }

    /// <summary>The sum of <see cref="LineScores"/> over the board's rows and columns.</summary>
    private static double Evaluate(Board board)
    {
        Span<int> ranks = stackalloc int[Board.CellCount];
        for (var y = 0; y < Board.Size; y++)
        for (var x = 0; x < Board.Size; x++)
        {
            var value = board[x, y];
            ranks[y * Board.Size + x] = value == 0 ? 0 : BitOperations.Log2((uint)value);
        }

        double score = 0;
        for (var i = 0; i < Board.Size; i++)
        {
            var row = i * Board.Size;
            score += LineScores[ranks[row] | ranks[row + 1] << 4 | ranks[row + 2] << 8 | ranks[row + 3] << 12];
            score += LineScores[ranks[i] | ranks[i + 4] << 4 | ranks[i + 8] << 8 | ranks[i + 12] << 12];
        }

        return score;
    }

    /// <summary>
    /// A line of four tiles (their ranks, 4 bits each) scored as the usual 2048 heuristics do: empty cells and equal
    /// neighbours are good, lines that are not monotonic and big tiles away from merging are bad.
    /// </summary>
    private static readonly double[] LineScores = BuildLineScores();

    private static double[] BuildLineScores()
    {
        var scores = new double[1 << 16];
        Span<int> line = stackalloc int[Board.Size];
        for (var key = 0; key < scores.Length; key++)
        {
            for (var i = 0; i < Board.Size; i++) line[i] = (key >> (4 * i)) & 0xF;
            double sum = 0, towardStart = 0, towardEnd = 0;
            int empty = 0, merges = 0, previous = 0, run = 0;
            for (var i = 0; i < Board.Size; i++)
            {
                var rank = line[i];
                sum += Math.Pow(rank, 3.5);
                if (rank == 0)
                {
                    empty++;
                    continue;
                }

                if (rank == previous)
                {
                    run++;
                }
                else if (run > 0)
                {
                    merges += 1 + run;
                    run = 0;
                }

                previous = rank;
            }

            if (run > 0) merges += 1 + run;
            for (var i = 1; i < Board.Size; i++)
            {
                var step = Math.Pow(line[i - 1], 4) - Math.Pow(line[i], 4);
                if (step > 0) towardStart += step;
                else towardEnd -= step;
            }

            scores[key] = 200_000 + 270.0 * empty + 700.0 * merges - 47.0 * Math.Min(towardStart, towardEnd) - 11.0 * sum;
        }

        return scores;
    }

    // ---- Report ----------------------------------------------------------------------------------------------

    private static string Render(Options options, BenchDatabase database, List<AppendResult> appends, List<TravelResult> travel)
    {
        double Rate(string name, int perTx) => appends.Single(a => a.Name == name && a.PerTransaction == perTx).EventsPerSecond;
        var insertRatio = Rate("Marten", 1) / Rate("raw INSERT", 1);
        var copyRatio = Rate("Marten", 100) / Rate("raw COPY", 100);

        var md = Report.BeginSection("Store (PostgreSQL)", database,
            "scripts/bench.sh            # or: dotnet run -c Release --project bench/EventApi.Bench -- store --events 3000");
        md.AppendLine("Each run creates its own database (`eventapi_bench_<time>`) and drops it at the end. The Marten store is built in");
        md.AppendLine("the bench as `MartenSetup` builds the API's (System.Text.Json, camelCase, enums as strings, Guid streams,");
        md.AppendLine("advisory-lock transactions, extended progression tracking, the session event types) without the web host.");
        md.AppendLine("Timed with `Stopwatch`: a warm-up round, then measured rounds; each figure is the median round.");
        md.AppendLine();
        md.AppendLine("### Appends");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"{options.AppendEvents:N0} events a round, {options.Rounds} rounds, one connection, cases taking turns in each round. Each");
        md.AppendLine("event is the same `TilesMoved` (one merge and the spawn), appended to 64 existing streams in turn, one");
        md.AppendLine("lightweight session and `SaveChangesAsync` a transaction. **No projection is registered in this store** (the");
        md.AppendLine("product runs `SessionView` inline): these are raw appends. The baselines write the same JSON (`jsonb`) with");
        md.AppendLine("stream id, version and type into a table with a unique (stream, version): a single-row `INSERT` in its own");
        md.AppendLine("transaction, and a binary `COPY` of 100 rows a transaction.");
        md.AppendLine();
        md.AppendLine("| case | events a transaction | events/s |");
        md.AppendLine("|---|---:|---:|");
        foreach (var a in appends) md.AppendLine(CultureInfo.InvariantCulture, $"| {a.Name} | {a.PerTransaction} | {F(a.EventsPerSecond, "N0")} |");
        md.AppendLine();
        md.AppendLine("| ratio | measured | target | met |");
        md.AppendLine("|---|---:|---:|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Marten at 1 / raw INSERT | {F(insertRatio, "F2")} | ≥ 0.8 | {Yes(insertRatio >= 0.8)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Marten at 100 / raw COPY | {F(copyRatio, "F2")} | ≥ 0.3 | {Yes(copyRatio >= 0.3)} |");
        md.AppendLine();
        md.AppendLine("### Time travel");
        md.AppendLine();
        md.AppendLine("`GET /sessions/{id}/replay?version=N` on the API (its Release build, a process of its own, on this run's");
        md.AppendLine("database), N the stream's last version, against the baseline in this process: a raw Npgsql `SELECT type, data`");
        md.AppendLine("of the stream's events up to N, System.Text.Json deserialization and `SessionDecider.Fold`. The middle column is");
        md.AppendLine("`AggregateStreamAsync<SessionView>(id, version: N)` in this process, on the same events: the endpoint's time less");
        md.AppendLine("HTTP and its own stream-state read. The three run in turns after a warm-up, and their answers are checked equal");
        md.AppendLine("to each other and to the game as played. The streams are real games played through the API (an open session");
        md.AppendLine("with the seed, then the moves, 1,000 a request), the moves chosen by a four-move search over the engine (the");
        md.AppendLine("spawns follow from the seed, so it sees them) with the usual 2048 line heuristics (empty cells, equal");
        md.AppendLine("neighbours, monotonic lines); the first seed whose game lasts the asked number of events is used.");
        md.AppendLine();
        md.AppendLine("| events asked | stream version N | moves | max tile | HTTP replay | Marten in process | baseline | ratio (HTTP / baseline) | target ≤ 2 |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var t in travel)
        {
            var ratio = t.HttpMs / t.BaselineMs;
            md.AppendLine(
                $"| {t.Requested:N0} | {t.Version:N0} | {t.Moves:N0} | {t.MaxTile} | {F(t.HttpMs, "F2")} ms | " +
                $"{F(t.MartenMs, "F2")} ms | {F(t.BaselineMs, "F2")} ms | {F(ratio, "F2")} | {Yes(ratio <= 2)} |");
        }

        return md.ToString();
    }
}
