using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
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
/// <item>Time travel: <c>AggregateStreamAsync&lt;SessionView&gt;(id, version: N)</c> against a raw SELECT of the
/// stream's events plus System.Text.Json and <see cref="SessionDecider.Fold"/>.</item>
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
        var appends = await Appends(database.ConnectionString, database.Raw, options);
        var travel = await TimeTravel(database.ConnectionString, database.Raw, options);
        var markdown = Render(options, database, appends, travel);
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (options.Markdown is not null) Report.WriteSection(options.Markdown, "store", markdown);
        return 0;
    }

    private static Options? Parse(string[] args)
    {
        var connection = Environment.GetEnvironmentVariable("EVENTAPI_BENCH_PG");
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
                    sizes = value!.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
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

        if (string.IsNullOrWhiteSpace(connection))
        {
            Console.Error.WriteLine("No server: set EVENTAPI_BENCH_PG or pass --connection (scripts/bench.sh starts a local one).");
            return null;
        }

        return new Options(connection, appendEvents, rounds, sizes, markdown);
    }

    /// <summary>
    /// A store as MartenSetup.AddEventApiMarten builds the API's (same serializer and event settings), without the web
    /// host; <paramref name="autoCreate"/> <see cref="AutoCreate.None"/> on a schema the API created.
    /// </summary>
    internal static DocumentStore Store(string connection, string schema, bool sessionView, AutoCreate autoCreate = AutoCreate.CreateOrUpdate)
    {
        var options = new StoreOptions();
        options.Connection(connection);
        options.DatabaseSchemaName = schema;
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
        options.AutoCreateSchemaObjects = autoCreate;
        options.Events.StreamIdentity = StreamIdentity.AsGuid;
        options.Events.UseAdvisoryLockTransaction = true;
        options.Events.EnableExtendedProgressionTracking = true;
        foreach (var type in EventTypes) options.Events.AddEventType(type);
        if (sessionView) options.Projections.Add<SessionViewProjection>(ProjectionLifecycle.Inline);
        return new DocumentStore(options);
    }

    // ---- Appends ---------------------------------------------------------------------------------------------

    private sealed record AppendResult(string Name, int PerTransaction, double EventsPerSecond);

    private static async Task<List<AppendResult>> Appends(string connection, NpgsqlDataSource raw, Options options)
    {
        Console.WriteLine();
        Console.WriteLine($"Appends: {options.AppendEvents} events a round, {options.Rounds} rounds (and a warm-up round).");
        using var store = Store(connection, "bench_appends", sessionView: false);
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

        await BenchDatabase.ExecuteAsync(raw, """
            CREATE TABLE raw_events (
                seq_id bigserial PRIMARY KEY,
                stream_id uuid NOT NULL,
                version bigint NOT NULL,
                type varchar NOT NULL,
                data jsonb NOT NULL,
                timestamp timestamptz NOT NULL DEFAULT now(),
                UNIQUE (stream_id, version))
            """);

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

    private sealed record TravelResult(int Requested, int Events, int Moves, int MaxTile, bool GameOver, double MartenMs, double BaselineMs);

    private static async Task<List<TravelResult>> TimeTravel(string connection, NpgsqlDataSource raw, Options options)
    {
        Console.WriteLine();
        Console.WriteLine("Time travel: AggregateStreamAsync<SessionView>(id, version: N) against SELECT + STJ + Fold.");
        using var store = Store(connection, "bench_travel", sessionView: true);
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        var typeByName = EventTypes.ToDictionary(t => JsonNamingPolicy.SnakeCaseLower.ConvertName(t.Name), t => t);
        var results = new List<TravelResult>();
        foreach (var requested in options.StreamSizes)
        {
            var id = Guid.NewGuid();
            var (events, final) = Play(id, requested);
            await using (var session = store.LightweightSession())
            {
                // In slices: the stream is one session's, but 10,000 events in one command batch is not what is measured.
                session.Events.StartStream(id, events.Take(1000).ToArray());
                await session.SaveChangesAsync();
            }

            for (var start = 1000; start < events.Count; start += 1000)
            {
                await using var session = store.LightweightSession();
                session.Events.Append(id, events.Skip(start).Take(1000).ToArray());
                await session.SaveChangesAsync();
            }

            var version = events.Count;

            async Task<SessionView?> ByMarten()
            {
                await using var session = store.QuerySession();
                return await session.Events.AggregateStreamAsync<SessionView>(id, version: version);
            }

            async Task<SessionState> ByHand()
            {
                await using var command = raw.CreateCommand(
                    "SELECT type, data FROM bench_travel.mt_events WHERE stream_id = $1 AND version <= $2 ORDER BY version");
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

            // Both ways must agree with each other and with the game as it was played.
            var view = await ByMarten() ?? throw new InvalidOperationException("Marten found no stream.");
            var folded = await ByHand();
            if (view.State != folded || folded != final || view.Version != version)
            {
                throw new InvalidOperationException($"The folds disagree at {version} events (Marten version {view.Version}).");
            }

            var iterations = Math.Clamp(200_000 / version, 10, 200);
            var martenTimes = new List<double>();
            var baselineTimes = new List<double>();
            for (var i = -Math.Max(3, iterations / 10); i < iterations; i++)
            {
                var watch = Stopwatch.StartNew();
                await ByMarten();
                var marten = watch.Elapsed.TotalMilliseconds;
                watch.Restart();
                await ByHand();
                var baseline = watch.Elapsed.TotalMilliseconds;
                if (i < 0) continue;
                martenTimes.Add(marten);
                baselineTimes.Add(baseline);
            }

            var result = new TravelResult(requested, version, final.Game.MoveCount, final.Game.MaxTile,
                final.Status == SessionStatus.Over, Median(martenTimes), Median(baselineTimes));
            Console.WriteLine(
                $"  requested {requested,6}: {result.Events,6} events ({result.Moves} moves, max tile {result.MaxTile}" +
                $"{(result.GameOver ? ", game over" : "")}), {iterations} iterations: Marten {result.MartenMs:F2} ms, " +
                $"baseline {result.BaselineMs:F2} ms, ratio {result.MartenMs / result.BaselineMs:F2}");
            results.Add(result);
        }

        return results;
    }

    private static SessionStarted Started(Guid id, uint seed) =>
        (SessionStarted)SessionDecider.Decide(
            new StartSession(id, "bench", seed, Sealed: false, CallbackUrl: null, DateTimeOffset.UtcNow), SessionState.Initial).Events[0];

    /// <summary>
    /// A real session through the decider, up to <paramref name="target"/> events: a start, then one move at a time,
    /// each chosen by a lookahead over the engine (the spawns are known: they follow from the seed) that keeps the
    /// game alive as long as it can. Tries several seeds and keeps the longest if none reaches the target.
    /// </summary>
    private static (List<object> Events, SessionState Final) Play(Guid id, int target)
    {
        (List<object> Events, SessionState Final) best = ([], SessionState.Initial);
        for (uint seed = 1; seed <= 8; seed++)
        {
            var at = new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);
            var state = SessionState.Initial;
            var events = new List<object>();

            void Accept(Decision decision)
            {
                if (!decision.IsAccepted) throw new InvalidOperationException(decision.Rejection!.Detail);
                foreach (var e in decision.Events)
                {
                    if (events.Count == target) return;
                    events.Add(e);
                    state = SessionDecider.Evolve(state, e);
                }
            }

            Accept(SessionDecider.Decide(new StartSession(id, "bench", seed, false, null, at), state));
            while (events.Count < target && state.Status == SessionStatus.Active)
            {
                at = at.AddSeconds(1);
                Accept(SessionDecider.Decide(new MakeMoves([Choose(state.Game)], at), state));
            }

            if (events.Count > best.Events.Count) best = (events, state);
            if (events.Count == target) break;
        }

        return best;
    }

    private static readonly Direction[] Directions = [Direction.Up, Direction.Right, Direction.Down, Direction.Left];

    private static Direction Choose(GameState game)
    {
        var best = Direction.Up;
        var bestScore = double.NegativeInfinity;
        foreach (var direction in Directions)
        {
            var next = game;
            if (!Engine.TryMove(ref next, direction, [], out _)) continue;
            var score = Search(next, depth: 5);
            if (score > bestScore) (best, bestScore) = (direction, score);
        }

        return best;
    }

    private static double Search(GameState game, int depth)
    {
        if (game.Over) return -1e12;
        if (depth == 0) return Evaluate(game.Board);
        var best = double.NegativeInfinity;
        foreach (var direction in Directions)
        {
            var next = game;
            if (!Engine.TryMove(ref next, direction, [], out _)) continue;
            best = Math.Max(best, Search(next, depth - 1));
        }

        return best;
    }

    // A snake of weights from the top-left corner (each cell four times the next), plus empty cells.
    private static readonly double[] Weights =
    [
        1L << 30, 1L << 28, 1L << 26, 1L << 24,
        1L << 16, 1L << 18, 1L << 20, 1L << 22,
        1L << 14, 1L << 12, 1L << 10, 1L << 8,
        1, 1L << 2, 1L << 4, 1L << 6,
    ];

    private static double Evaluate(Board board)
    {
        double score = 0;
        for (var y = 0; y < Board.Size; y++)
        for (var x = 0; x < Board.Size; x++)
        {
            score += board[x, y] * Weights[y * Board.Size + x];
        }

        return score + board.EmptyCount * (double)(1L << 24) * board.MaxTile;
    }

    // ---- Report ----------------------------------------------------------------------------------------------

    private static string Render(Options options, BenchDatabase database, List<AppendResult> appends, List<TravelResult> travel)
    {
        double Rate(string name, int perTx) => appends.Single(a => a.Name == name && a.PerTransaction == perTx).EventsPerSecond;
        var insertRatio = Rate("Marten", 1) / Rate("raw INSERT", 1);
        var copyRatio = Rate("Marten", 100) / Rate("raw COPY", 100);

        var md = new StringBuilder();
        md.AppendLine("## Store (PostgreSQL)");
        md.AppendLine();
        md.AppendLine(Report.Measured());
        md.AppendLine(database.DescribeServer());
        md.AppendLine();
        md.AppendLine("    scripts/bench.sh            # or: dotnet run -c Release --project bench/EventApi.Bench -- store --events 3000");
        md.AppendLine();
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
        md.AppendLine("`AggregateStreamAsync<SessionView>(id, version: N)` with N the stream's last version (the whole stream), in a");
        md.AppendLine("store that registers `SessionViewProjection` as the API does, against the baseline: a raw Npgsql `SELECT type, data`");
        md.AppendLine("of the stream's events up to N, System.Text.Json deserialization and `SessionDecider.Fold`. Both run in turns,");
        md.AppendLine("after a warm-up, and both results are checked equal to the game as played. The streams are real sessions from");
        md.AppendLine("`SessionDecider`: a start, then one move a command (with the milestones and game over the decider emits), the");
        md.AppendLine("moves chosen by a five-move lookahead over the engine (the spawns follow from the seed, so it sees them) that");
        md.AppendLine("keeps the game alive as long as it can.");
        md.AppendLine();
        md.AppendLine("| events asked | events in stream | moves | max tile | Marten | baseline | ratio | target ≤ 2 |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var t in travel)
        {
            var ratio = t.MartenMs / t.BaselineMs;
            md.AppendLine(
                $"| {t.Requested:N0} | {t.Events:N0}{(t.GameOver ? " (game over)" : "")} | {t.Moves:N0} | {t.MaxTile} | " +
                $"{F(t.MartenMs, "F2")} ms | {F(t.BaselineMs, "F2")} ms | {F(ratio, "F2")} | {Yes(ratio <= 2)} |");
        }

        var short_ = travel.Where(t => t.Events < t.Requested).ToList();
        if (short_.Count > 0)
        {
            md.AppendLine();
            md.AppendLine(string.Join(" ", short_.Select(t =>
                $"**{t.Requested:N0} events were not reached:** the longest game the lookahead played (over eight seeds) ended after " +
                $"{t.Moves:N0} moves, {t.Events:N0} events; that stream is measured instead. Events must fold validly, so the " +
                "stream is not padded with another game's moves.")));
        }

        return md.ToString();
    }
}
