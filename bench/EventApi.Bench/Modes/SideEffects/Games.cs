using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EventApi.Bench.Harness;

namespace EventApi.Bench.Modes.SideEffects;

internal sealed record StartBody(string Player, long Seed, string CallbackUrl);

internal sealed record Started(Guid Id, string Token);

/// <summary>One game. <see cref="Due"/> and <see cref="FinishedAt"/> are seconds into its phase; <see cref="AcknowledgedAt"/>
/// is when the abandon's answer arrived, by the wall clock.</summary>
internal sealed record Game(double Due, Guid Id, double FinishedAt, DateTimeOffset AcknowledgedAt, double StartLatency,
    double AbandonLatency, string? Error)
{
    public bool Finished => Error is null;
}

/// <summary>A game is a session started with the receiver as its callback URL and abandoned at once: one webhook.</summary>
internal static class Games
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    /// <summary>Starts a session with the receiver as its callback URL, then abandons it.</summary>
    public static async Task<Game> PlayAsync(HttpClient client, Uri callback, long seed, double due, Stopwatch phase)
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
    public static async Task<double> WaitForWebhooksAsync(WebhookSink sink, int expected, double timeout)
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
    public static async Task<double?> FirstWebhookAsync(HttpClient client, WebhookSink sink, SideEffectsArguments options)
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
}
