using System.Net;

namespace EventApi.Integration.Infrastructure;

/// <summary>What one of several requests sent at once got back.</summary>
public sealed record Answer(HttpStatusCode Status, string Body, string? ETag);

/// <summary>Requests sent at once, to race on the API.</summary>
public static class Together
{
    /// <summary>Starts every request, holds them at a gate until all are ready, lets them go at once, and returns their
    /// answers in the order given.</summary>
    public static async Task<Answer[]> SendAsync(IReadOnlyList<Func<Task<HttpResponseMessage>>> sends)
    {
        using var gate = new SemaphoreSlim(0);
        var requests = sends.Select(async send =>
        {
            await gate.WaitAsync();
            using var response = await send();
            return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.ETag?.Tag);
        }).ToArray();
        gate.Release(sends.Count);
        return await Task.WhenAll(requests);
    }

    /// <summary>The same request <paramref name="racers"/> times at once.</summary>
    public static Task<Answer[]> RaceAsync(int racers, Func<Task<HttpResponseMessage>> send) =>
        SendAsync([.. Enumerable.Repeat(send, racers)]);
}
