using System.Diagnostics;
using EventApi.Bench.Harness;

namespace EventApi.Bench.Modes.SideEffects;

internal sealed record BurstResult(
    int Games,
    int Finished,
    double Generation,
    double GameRate,
    int Backlog,
    double FirstWebhook,
    double LastWebhook,
    int Undelivered);

/// <summary>Games as fast as a few clients can finish them, and the rate at which their webhooks arrive, the backlog included.</summary>
internal static class Burst
{
    public static async Task<BurstResult?> MeasureAsync(HttpClient client, WebhookSink sink, SideEffectsArguments options, int firstIndex)
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
                played.Add(await Games.PlayAsync(client, sink.Url, firstIndex + i, phase.Elapsed.TotalSeconds, phase));
            return played;
        }

        var games = (await Task.WhenAll(Enumerable.Range(0, options.BurstClients).Select(_ => Client()))).SelectMany(g => g).ToList();
        var generation = phase.Elapsed.TotalSeconds;
        var finished = games.Count(g => g.Finished);
        var backlog = before + finished - sink.Count;
        await Games.WaitForWebhooksAsync(sink, before + finished, options.DrainTimeout);

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
    public static double DeliveryRate(BurstResult burst) =>
        (burst.Finished - burst.Undelivered - 1) / Math.Max(burst.LastWebhook - burst.FirstWebhook, 1e-3);

    /// <summary>Webhooks per second while the backlog left at the end of the games drained.</summary>
    public static double DrainRate(BurstResult burst) =>
        burst.Backlog / Math.Max(burst.LastWebhook - burst.Generation, 1e-3);
}
