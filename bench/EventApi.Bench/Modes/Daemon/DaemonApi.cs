using System.Net.Http.Json;
using System.Text.Json;
using EventApi.Bench.Harness;

namespace EventApi.Bench.Modes.Daemon;

/// <summary>What the daemon mode asks the API: its admin client, the read-back check and the answers' shapes.</summary>
internal static class DaemonApi
{
    public static HttpClient AdminClient(ApiHost api)
    {
        var client = api.CreateClient(TimeSpan.FromMinutes(15));
        client.DefaultRequestHeaders.Add("X-Admin-Key", api.AdminKey);
        return client;
    }

    /// <summary>What the API reads back: the loaded session views and events, and the statistics the daemon built.</summary>
    public static async Task VerifyAsync(HttpClient client, Workload workload)
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
}

internal sealed record ProjectionsDto(long HighWaterMark, IReadOnlyList<ShardDto> Shards);

internal sealed record ShardDto(string Name, string Projection, long Sequence, string Status, JsonElement? Error);

internal sealed record SessionDto(int Score, int MoveCount);

internal sealed record FreshDto<T>(T Data);

internal sealed record StatisticsDto(long SessionsStarted, long SessionsOver, long SessionsAbandoned);
