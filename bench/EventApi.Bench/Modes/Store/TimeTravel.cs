using System.Diagnostics;
using System.Text.Json;
using EventApi.Api.Features.Sessions;
using EventApi.Api.Infrastructure;
using EventApi.Bench.Harness;
using EventApi.Domain.Sessions;
using EventApi.Projections.Sessions;
using JasperFx;
using JasperFx.Events.Projections;
using Marten;
using Npgsql;
using static EventApi.Bench.Harness.Stats;

namespace EventApi.Bench.Modes.Store;

internal sealed record TravelResult(int Requested, int Version, int Moves, int MaxTile, double HttpMs, double MartenMs, double BaselineMs);

/// <summary>
/// <c>GET /sessions/{id}/replay?version=N</c> on the API against a raw SELECT, System.Text.Json and the decider's fold
/// (and <c>AggregateStreamAsync</c> in process), on games played through the API.
/// </summary>
internal static class TimeTravel
{
    public static async Task<List<TravelResult>> MeasureAsync(BenchDatabase database, StoreArguments options)
    {
        Console.WriteLine();
        Console.WriteLine("Time travel: GET /sessions/{id}/replay?version=N against SELECT + STJ + Fold (and AggregateStreamAsync in process).");

        // The API on the bench's database (the public schema), as production runs it; the sessions are played through it.
        await using var api = await ApiHost.StartAsync(database.ConnectionString);
        using var http = api.CreateClient();

        // Marten in this process, on the API's schema: splits the endpoint's time between the fold and HTTP.
        var storeOptions = new StoreOptions().UseEventStoreSettings(database.ConnectionString);
        storeOptions.AutoCreateSchemaObjects = AutoCreate.None;
        storeOptions.AddSessionEvents();
        storeOptions.AddSessionView();
        using var store = new DocumentStore(storeOptions);

        var typeByName = SessionStore.TypesByName(store);
        var results = new List<TravelResult>();
        foreach (var requested in options.StreamSizes)
        {
            var (played, final) = Games.Play(requested);
            var id = await Games.PlayOverHttpAsync(http, played);
            var replays = new Replays(http, store, database.Raw, typeByName, id, played.Count);
            results.Add(await MeasureAsync(replays, requested, final));
        }

        return results;
    }

    /// <summary>Checks that the three replays agree, then times them in turns after a warm-up.</summary>
    private static async Task<TravelResult> MeasureAsync(Replays replays, int requested, SessionState final)
    {
        var version = replays.Version;
        // All three must agree with each other, and the game with the game as it was played (the API has its own
        // session id and clock).
        var folded = await replays.ByHandAsync();
        var view = await replays.ByMartenAsync() ?? throw new InvalidOperationException("Marten found no stream.");
        var answer = JsonSerializer.Deserialize<SessionResponse>(await replays.ByHttpAsync(), SessionStore.Json)!;
        if (folded.Game != final.Game || folded.Status != final.Status || view.State != folded || view.Version != version
            || JsonSerializer.Serialize(answer, SessionStore.Json) != JsonSerializer.Serialize(SessionResponse.From(version, folded), SessionStore.Json))
        {
            throw new InvalidOperationException($"The replays disagree at version {version}.");
        }

        var iterations = Math.Clamp(200_000 / version, 10, 200);
        var (httpTimes, martenTimes, baselineTimes) = await TimeAsync(replays, iterations);
        var result = new TravelResult(requested, version, final.Game.MoveCount, final.Game.MaxTile,
            Median(httpTimes), Median(martenTimes), Median(baselineTimes));
        Console.WriteLine(
            $"  version {version,6} ({result.Moves} moves, max tile {result.MaxTile}), {iterations} iterations: " +
            $"HTTP {result.HttpMs:F2} ms, Marten {result.MartenMs:F2} ms, baseline {result.BaselineMs:F2} ms, " +
            $"ratio {result.HttpMs / result.BaselineMs:F2}");
        return result;
    }

    /// <summary>The three replays in turns: a tenth of <paramref name="iterations"/> (3 at least) to warm up, then the timed ones (ms).</summary>
    private static async Task<(List<double> Http, List<double> Marten, List<double> Baseline)> TimeAsync(Replays replays, int iterations)
    {
        var httpTimes = new List<double>();
        var martenTimes = new List<double>();
        var baselineTimes = new List<double>();
        for (var i = -Math.Max(3, iterations / 10); i < iterations; i++)
        {
            var watch = Stopwatch.StartNew();
            await replays.ByHttpAsync();
            var viaHttp = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            await replays.ByMartenAsync();
            var marten = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            await replays.ByHandAsync();
            var baseline = watch.Elapsed.TotalMilliseconds;
            if (i < 0) continue;
            httpTimes.Add(viaHttp);
            martenTimes.Add(marten);
            baselineTimes.Add(baseline);
        }

        return (httpTimes, martenTimes, baselineTimes);
    }

    /// <summary>One stream replayed to <see cref="Version"/> three ways: the API's endpoint, Marten in process, and by hand.</summary>
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

        public async Task<SessionView?> ByMartenAsync()
        {
            await using var session = store.QuerySession();
            return await session.Events.AggregateStreamAsync<SessionView>(id, version: version);
        }

        public async Task<SessionState> ByHandAsync()
        {
            await using var command = raw.CreateCommand(
                "SELECT type, data FROM public.mt_events WHERE stream_id = $1 AND version <= $2 ORDER BY version");
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            command.Parameters.Add(new NpgsqlParameter { Value = (long)version });
            await using var reader = await command.ExecuteReaderAsync();
            var data = new List<object>(version);
            while (await reader.ReadAsync())
            {
                data.Add(JsonSerializer.Deserialize(reader.GetString(1), typeByName[reader.GetString(0)], SessionStore.Json)!);
            }

            return SessionDecider.Fold(data);
        }
    }
}
