using System.Net.Http.Json;
using EventApi.Bench.Harness;
using EventApi.Projections.Leaderboards;
using EventApi.Projections.Statistics;
using EventApi.Projections.Timelines;

namespace EventApi.Bench.Modes.Daemon;

internal sealed record RebuildResult(string Projection, double Seconds, long RebuiltTo, long EventsProcessed);

internal sealed record RebuildDto(string Projection, double DurationSeconds, long RebuiltTo, long EventsProcessed);

/// <summary>Each async projection rebuilt through the admin endpoint, on the caught-up API.</summary>
internal static class Rebuilds
{
    // The async projections, by the names the rebuild endpoint takes; the side-effects subscription is the other shard.
    private static readonly string[] Projections =
    [
        SessionTimelineProjection.ProjectionName,
        StatisticsProjection.ProjectionName,
        PlayerStatisticsProjection.ProjectionName,
        FinishedGameProjection.ProjectionName,
    ];

    /// <summary>Each async projection rebuilt in turn; the endpoint answers when its rebuild has finished.</summary>
    public static async Task<List<RebuildResult>> MeasureAsync(ApiHost api, long lastSequence)
    {
        Console.WriteLine();
        Console.WriteLine("Rebuilds: POST /admin/projections/{name}/rebuild, one projection at a time.");
        using var client = DaemonApi.AdminClient(api);
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
}
