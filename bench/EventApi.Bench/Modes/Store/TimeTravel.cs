using System.Diagnostics;
using System.Text.Json;
using EventApi.Api.Features.Sessions;
using EventApi.Api.Infrastructure;
using EventApi.Bench.Harness;
using EventApi.Domain.Sessions;
using EventApi.Projections.Sessions;
using JasperFx;
using Marten;
using Npgsql;
using static EventApi.Bench.Harness.Stats;

namespace EventApi.Bench.Modes.Store;

/// <param name="Requested">The stream length asked for.</param>
/// <param name="Length">The stream's length.</param>
/// <param name="Version">The version replayed to: the farthest from a checkpoint.</param>
/// <param name="Games">How many games the stream holds one after the other (1 but for streams longer than any game).</param>
/// <param name="CheckpointVersion">The checkpoint the replay starts from (0: the first event).</param>
internal sealed record TravelResult(int Requested, int Length, int Version, int Games, long CheckpointVersion, int MaxTile,
    double HttpMs, double FromCheckpointMs, double FromFirstEventMs, double MartenMs, double TrivialGetMs);

/// <summary>
/// <c>GET /sessions/{id}/replay?version=v</c> on the API against a raw SELECT, System.Text.Json and the decider's fold
/// from the same checkpoint, and from the first event (and <c>AggregateStreamAsync</c> in process).
/// </summary>
internal static class TimeTravel
{
    /// <summary>The longest stream a game is played for; a longer one holds games of this length one after the other.</summary>
    public const int LongestGame = 10_000;

    public static async Task<List<TravelResult>> MeasureAsync(BenchDatabase database, StoreArguments options)
    {
        Console.WriteLine();
        Console.WriteLine("Time travel: GET /sessions/{id}/replay?version=v against SELECT + STJ + Fold from the same checkpoint and from the first event.");

        // The API on the bench's database (the public schema), as production runs it; the sessions are played through it.
        await using var api = await ApiHost.StartAsync(database.ConnectionString);
        using var http = api.CreateClient();

        // Marten in this process, on the API's schema, with the API's inline session view and checkpoints: it loads the
        // streams longer than a game, and splits the endpoint's time between the fold and HTTP.
        var storeOptions = new StoreOptions().UseEventStoreSettings(database.ConnectionString);
        storeOptions.AutoCreateSchemaObjects = AutoCreate.None;
        storeOptions.AddSessionEvents();
        storeOptions.AddSessionView();
        using var store = new DocumentStore(storeOptions);

        var typeByName = SessionStore.TypesByName(store);
        var results = new List<TravelResult>();
        foreach (var requested in options.StreamSizes)
        {
            var (played, _) = Games.Play(Math.Min(requested, LongestGame));
            var (id, stream, games) = requested <= LongestGame
                ? (await Games.PlayOverHttpAsync(http, played), played, 1)
                : await LoadGamesOneAfterAnotherAsync(store, played, requested);
            var replays = new Replays(http, store, database.Raw, typeByName, id, VersionToReplay(stream.Count));
            results.Add(await MeasureAsync(replays, requested, stream, games));
        }

        return results;
    }

    /// <summary>The last version before the stream's last checkpoint: the farthest from a checkpoint there is, the
    /// replay folding <see cref="SessionCheckpoint.Every"/> − 1 events after the one before.</summary>
    private static int VersionToReplay(int length) => length / SessionCheckpoint.Every * SessionCheckpoint.Every - 1;

    /// <summary>
    /// No game lasts 100,000 events (a 4x4 board runs out of room before 131,072, after a perfect game), so a longer
    /// stream is the game played again and again in one stream, each time from its <see cref="SessionStarted"/>, which
    /// the decider's fold takes as a new game. The decider would never append that, so the stream is loaded through
    /// Marten, 1,000 events a transaction, with the product's inline view, which writes the checkpoints.
    /// </summary>
    private static async Task<(Guid Id, List<object> Stream, int Games)> LoadGamesOneAfterAnotherAsync(
        DocumentStore store, List<object> game, int length)
    {
        var id = Guid.NewGuid();
        var again = game.Select(e => e is SessionStarted started ? started with { SessionId = id } : e).ToList();
        var stream = Enumerable.Repeat(again, (length + again.Count - 1) / again.Count).SelectMany(g => g).Take(length).ToList();
        var at = DateTimeOffset.UtcNow;
        foreach (var (chunk, index) in stream.Chunk(1_000).Select((chunk, index) => (chunk, index)))
        {
            await using var session = store.LightweightSession();
            if (index == 0)
            {
                session.Events.StartStream<SessionView>(id, chunk).Events.StampedAt(at);
            }
            else
            {
                var writing = await session.Events.FetchForWriting<SessionView>(id);
                writing.AppendMany(chunk);
                writing.Events.StampedAt(at);
            }

            await session.SaveChangesAsync();
            at = at.AddMilliseconds(1);
        }

        return (id, stream, (stream.Count + again.Count - 1) / again.Count);
    }

    /// <summary>Checks that the replays agree, then times them in turns after a warm-up.</summary>
    private static async Task<TravelResult> MeasureAsync(Replays replays, int requested, List<object> stream, int games)
    {
        var version = replays.Version;
        // All must agree with each other and with the stream's fold (the API has its own session id and clock).
        var expected = SessionDecider.Fold(stream.Take(version));
        var (checkpoint, fromCheckpoint) = await replays.FromCheckpointAsync();
        var fromFirst = await replays.FromFirstEventAsync();
        var view = await replays.ByMartenAsync() ?? throw new InvalidOperationException("Marten found no stream.");
        var answer = JsonSerializer.Deserialize<SessionResponse>(await replays.ByHttpAsync(), SessionStore.Json)!;
        if (checkpoint != SessionCheckpoint.Before(version))
        {
            throw new InvalidOperationException($"The checkpoint at {SessionCheckpoint.Before(version)} of the stream was not kept.");
        }

        if (fromFirst.Game != expected.Game || fromFirst.Status != expected.Status || fromCheckpoint != fromFirst
            || view.State != fromFirst || view.Version != version
            || JsonSerializer.Serialize(answer, SessionStore.Json) != JsonSerializer.Serialize(SessionResponse.From(version, fromFirst), SessionStore.Json))
        {
            throw new InvalidOperationException($"The replays disagree at version {version}.");
        }

        var iterations = Math.Clamp(200_000 / version, 10, 200);
        var times = await TimeAsync(replays, iterations);
        var result = new TravelResult(requested, stream.Count, version, games, checkpoint, expected.Game.MaxTile,
            Median(times.Http), Median(times.FromCheckpoint), Median(times.FromFirstEvent), Median(times.Marten), Median(times.TrivialGet));
        Console.WriteLine(
            $"  version {version,6} of {stream.Count} ({games} game(s), checkpoint {checkpoint}), {iterations} iterations: " +
            $"HTTP {result.HttpMs:F2} ms, from the checkpoint {result.FromCheckpointMs:F2} ms, from the first event " +
            $"{result.FromFirstEventMs:F2} ms, Marten {result.MartenMs:F2} ms, trivial GET {result.TrivialGetMs:F2} ms, ratio {result.HttpMs / result.FromCheckpointMs:F2}");
        return result;
    }

    private sealed record Times(List<double> Http, List<double> FromCheckpoint, List<double> FromFirstEvent, List<double> Marten,
        List<double> TrivialGet);

    /// <summary>How long the replays run untimed before each stream's timed ones: the tiered JIT compiles the API's and
    /// this process's hot paths again, optimised, after their first calls (3 at least).</summary>
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);

    /// <summary>The replays in turns: <see cref="WarmUp"/> to warm up, then the timed ones (ms).</summary>
    private static async Task<Times> TimeAsync(Replays replays, int iterations)
    {
        var warming = Stopwatch.StartNew();
        for (var i = 0; i < 3 || warming.Elapsed < WarmUp; i++) await ReplayAllAsync(replays);

        var times = new Times([], [], [], [], []);
        for (var i = 0; i < iterations; i++)
        {
            var watch = Stopwatch.StartNew();
            await replays.ByHttpAsync();
            var viaHttp = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            await replays.FromCheckpointAsync();
            var fromCheckpoint = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            await replays.FromFirstEventAsync();
            var fromFirst = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            await replays.ByMartenAsync();
            var marten = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            await replays.TrivialGetAsync();
            var trivial = watch.Elapsed.TotalMilliseconds;
            times.Http.Add(viaHttp);
            times.FromCheckpoint.Add(fromCheckpoint);
            times.FromFirstEvent.Add(fromFirst);
            times.Marten.Add(marten);
            times.TrivialGet.Add(trivial);
        }

        return times;
    }

    private static async Task ReplayAllAsync(Replays replays)
    {
        await replays.ByHttpAsync();
        await replays.FromCheckpointAsync();
        await replays.FromFirstEventAsync();
        await replays.ByMartenAsync();
        await replays.TrivialGetAsync();
    }

    /// <summary>One stream replayed to <see cref="Version"/>: the API's endpoint, by hand (from the checkpoint and from the
    /// first event), and Marten in process.</summary>
    private sealed class Replays(HttpClient http, DocumentStore store, NpgsqlDataSource raw, Dictionary<string, Type> typeByName,
        Guid id, int version)
    {
        public int Version => version;

        public async Task<string> ByHttpAsync()
        {
            using var response = await http.GetAsync($"/sessions/{id}/replay?version={version}");
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsStringAsync();
        }

        /// <summary>What HTTP costs by itself: the API's cheapest endpoint, on the same client.</summary>
        public async Task TrivialGetAsync()
        {
            using var response = await http.GetAsync(Http.Workers.TrivialGetPath);
            response.EnsureSuccessStatusCode();
        }

        public async Task<SessionView?> ByMartenAsync()
        {
            await using var session = store.QuerySession();
            return await session.Events.AggregateStreamAsync<SessionView>(id, version: version);
        }

        /// <summary>One round trip of two statements: the checkpoint's state (<c>data</c> of <c>mt_doc_sessioncheckpoint</c>
        /// by id) and the events after it up to the version; then the fold from it.</summary>
        public async Task<(long Checkpoint, SessionState State)> FromCheckpointAsync()
        {
            var from = SessionCheckpoint.Before(version);
            // Below the first checkpoint, the fold starts from the first event, as the endpoint's does.
            if (from == 0) return (0, await FromFirstEventAsync());
            await using var batch = raw.CreateBatch();
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT data FROM public.mt_doc_sessioncheckpoint WHERE id = $1")
            {
                Parameters = { new NpgsqlParameter { Value = SessionCheckpoint.IdOf(id, from) } },
            });
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                "SELECT type, data FROM public.mt_events WHERE stream_id = $1 AND version > $2 AND version <= $3 ORDER BY version")
            {
                Parameters =
                {
                    new NpgsqlParameter { Value = id }, new NpgsqlParameter { Value = from }, new NpgsqlParameter { Value = (long)version },
                },
            });
            await using var reader = await batch.ExecuteReaderAsync();
            var state = SessionState.Initial;
            var checkpoint = 0L;
            if (await reader.ReadAsync())
            {
                state = JsonSerializer.Deserialize<SessionCheckpoint>(reader.GetString(0), SessionStore.Json)!.State;
                checkpoint = from;
            }

            await reader.NextResultAsync();
            return (checkpoint, SessionDecider.Fold(state, await ReadEventsAsync(reader)));
        }

        /// <summary>A raw <c>SELECT type, data</c> of the stream's events up to the version, and the fold from the start.</summary>
        public async Task<SessionState> FromFirstEventAsync()
        {
            await using var command = raw.CreateCommand(
                "SELECT type, data FROM public.mt_events WHERE stream_id = $1 AND version <= $2 ORDER BY version");
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            command.Parameters.Add(new NpgsqlParameter { Value = (long)version });
            await using var reader = await command.ExecuteReaderAsync();
            return SessionDecider.Fold(await ReadEventsAsync(reader));
        }

        private async Task<List<object>> ReadEventsAsync(NpgsqlDataReader reader)
        {
            var data = new List<object>(SessionCheckpoint.Every);
            while (await reader.ReadAsync())
            {
                data.Add(JsonSerializer.Deserialize(reader.GetString(1), typeByName[reader.GetString(0)], SessionStore.Json)!);
            }

            return data;
        }
    }
}
