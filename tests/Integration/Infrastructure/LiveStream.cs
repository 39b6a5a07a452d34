using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text.Json;
using EventApi.Api.Live;
using EventApi.Integration.Contract;

namespace EventApi.Integration.Infrastructure;

/// <summary>A frame as a spectator received it: its SSE fields, its raw data and that data read as a frame.</summary>
public sealed record ReceivedFrame(string EventType, long Id, string RawData, LiveFrame Frame);

/// <summary>
/// A spectator: <c>GET /sessions/{id}/live</c> read as a browser's EventSource reads it (.NET's own SSE parser), frame by
/// frame. Each frame's data is checked against the served OpenAPI document when a contract is given.
/// </summary>
public sealed class LiveStream : IAsyncDisposable
{
    private static readonly TimeSpan DefaultPatience = TimeSpan.FromSeconds(20);

    private readonly HttpResponseMessage _response;
    private readonly IAsyncEnumerator<SseItem<string>> _items;
    private readonly OpenApiContract? _contract;
    private readonly string _path;
    private readonly CancellationTokenSource _lifetime = new();

    /// <summary>The last read asked of the parser: an async enumerator cannot be disposed while a read is under way.</summary>
    private Task<bool> _pending = Task.FromResult(false);

    private LiveStream(HttpResponseMessage response, Stream body, OpenApiContract? contract, string path)
    {
        _response = response;
        _contract = contract;
        _path = path;
        _items = SseParser.Create(body).EnumerateAsync(_lifetime.Token).GetAsyncEnumerator(_lifetime.Token);
    }

    /// <summary>The id of the last frame read (what a browser would send as Last-Event-ID).</summary>
    public long? LastId { get; private set; }

    /// <summary>Opens a stream and checks that it is one (200, text/event-stream).</summary>
    public static async Task<LiveStream> OpenAsync(HttpClient client, Guid id, long? after = null, string? lastEventId = null,
        OpenApiContract? contract = null)
    {
        var response = await SendAsync(client, id, after, lastEventId);
        return await FromAsync(response, id, contract);
    }

    /// <summary>The stream of a 200 answer to <see cref="SendAsync"/> (which it then owns).</summary>
    public static async Task<LiveStream> FromAsync(HttpResponseMessage response, Guid id, OpenApiContract? contract = null)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var body = await response.Content.ReadAsStringAsync();
            response.Dispose();
            throw new InvalidOperationException($"GET /sessions/{id}/live answered {(int)response.StatusCode}: {body}");
        }

        response.Content.Headers.ContentType?.MediaType.ShouldBe("text/event-stream");
        return new LiveStream(response, await response.Content.ReadAsStreamAsync(), contract, $"/sessions/{id}/live");
    }

    /// <summary>The answer to a request for the stream, whatever it is (the caller disposes it).</summary>
    public static Task<HttpResponseMessage> SendAsync(HttpClient client, Guid id, long? after = null, string? lastEventId = null,
        string accept = "text/event-stream")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, after is null ? $"/sessions/{id}/live" : $"/sessions/{id}/live?after={after}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        if (lastEventId is not null) request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        return client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>The next frame; null when the server closed the stream.</summary>
    public async Task<ReceivedFrame?> NextAsync(TimeSpan? patience = null)
    {
        var wait = patience ?? DefaultPatience;
        var next = _pending = _items.MoveNextAsync().AsTask();
        if (await Task.WhenAny(next, Task.Delay(wait)) != next)
            throw new TimeoutException($"No frame on {_path} within {wait.TotalSeconds} s (last id {LastId}).");
        if (!await next) return null;

        var item = _items.Current;
        if (_contract is not null)
        {
            var operation = _contract.Find(HttpMethod.Get, _path)!;
            var violations = _contract.Check(operation, 200, "text/event-stream", item.Data).ToList();
            if (violations.Count > 0) throw new ContractViolationException(string.Join("\n", violations));
        }

        var frame = JsonSerializer.Deserialize<LiveFrame>(item.Data, SessionsClient.Json)!;
        var id = long.Parse(item.EventId!, System.Globalization.CultureInfo.InvariantCulture);
        LastId = id;
        return new ReceivedFrame(item.EventType, id, item.Data, frame);
    }

    /// <summary>The next <paramref name="count"/> frames (the stream must not end before).</summary>
    public async Task<List<ReceivedFrame>> NextAsync(int count, TimeSpan? patience = null)
    {
        var frames = new List<ReceivedFrame>(count);
        while (frames.Count < count)
            frames.Add(await NextAsync(patience) ?? throw new InvalidOperationException($"The stream ended after {frames.Count} of {count} frames."));
        return frames;
    }

    /// <summary>The frames up to and including <paramref name="version"/>, which must come in order.</summary>
    public async Task<List<ReceivedFrame>> ThroughAsync(long version, TimeSpan? patience = null)
    {
        var frames = new List<ReceivedFrame>();
        while (frames.Count == 0 || frames[^1].Id < version)
            frames.Add(await NextAsync(patience) ?? throw new InvalidOperationException($"The stream ended before version {version}."));
        frames[^1].Id.ShouldBe(version);
        return frames;
    }

    /// <summary>The versions from <paramref name="first"/> to <paramref name="last"/>: the ids a spectator should get.</summary>
    public static IEnumerable<long> Versions(long first, long last) =>
        Enumerable.Range((int)first, (int)(last - first + 1)).Select(v => (long)v);

    /// <summary>A view as JSON, to compare a frame's with an answer's.</summary>
    public static string Json(Api.Features.Sessions.SessionResponse view) =>
        JsonSerializer.Serialize(view, SessionsClient.Json);

    /// <summary>Every frame until the server closes the stream.</summary>
    public async Task<List<ReceivedFrame>> ToEndAsync(TimeSpan? patience = null)
    {
        var frames = new List<ReceivedFrame>();
        while (await NextAsync(patience) is { } frame) frames.Add(frame);
        return frames;
    }

    public async ValueTask DisposeAsync()
    {
        // Closing the response ends a read still under way (with an error, or the end), so the parser can be disposed.
        await _lifetime.CancelAsync();
        _response.Dispose();
        try
        {
            await _pending;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
        {
            // Closing a stream mid-read.
        }

        try
        {
            await _items.DisposeAsync();
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
        {
            // Closing a stream mid-read.
        }
        _lifetime.Dispose();
    }
}
