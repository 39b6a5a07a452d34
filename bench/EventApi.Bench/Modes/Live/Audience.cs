using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;

namespace EventApi.Bench.Modes.Live;

/// <summary>
/// Spectators on one node: real streaming HTTP clients, <c>GET /sessions/{id}/live</c> read with .NET's
/// <see cref="SseParser"/> as frames arrive, all through one <see cref="SocketsHttpHandler"/> (a connection each).
/// Spectator <c>i</c> watches session <c>i mod sessions</c>.
/// </summary>
internal sealed class Audience : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly IReadOnlyList<LiveGame> _games;
    private readonly List<Spectator> _spectators = [];
    private readonly CancellationTokenSource _stop = new();
    private bool _closed;

    private Audience(HttpClient client, IReadOnlyList<LiveGame> games)
    {
        _client = client;
        _games = games;
    }

    public IReadOnlyList<Spectator> Spectators => _spectators;

    /// <summary>How long opening the streams took (each answered 200 and its first frame, the session, arrived).</summary>
    public TimeSpan OpenedIn { get; private set; }

    /// <summary>An audience on <paramref name="node"/> with <paramref name="count"/> streams open.</summary>
    public static async Task<Audience> OpenAsync(Uri node, IReadOnlyList<LiveGame> games, int count)
    {
        var audience = Create(node, games);
        await audience.OpenAsync(count);
        return audience;
    }

    /// <summary>An audience on <paramref name="node"/> with no stream open yet.</summary>
    public static Audience Create(Uri node, IReadOnlyList<LiveGame> games)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            UseCookies = false,
        };
        return new Audience(new HttpClient(handler) { BaseAddress = node, Timeout = Timeout.InfiniteTimeSpan }, games);
    }

    /// <summary>Opens <paramref name="count"/> more streams, 32 at a time.</summary>
    public async Task OpenAsync(int count)
    {
        var first = _spectators.Count;
        var added = Enumerable.Range(first, count).Select(i => new Spectator(_games[i % _games.Count])).ToList();
        var opening = Stopwatch.StartNew();
        await Parallel.ForEachAsync(added, new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (spectator, _) => await spectator.OpenAsync(_client, _stop.Token));
        OpenedIn += opening.Elapsed;
        _spectators.AddRange(added);
    }

    /// <summary>Waits until every spectator has the frame of its session's last answered move, or the timeout; the
    /// seconds waited.</summary>
    public async Task<double> DrainAsync(double timeout)
    {
        var waited = Stopwatch.StartNew();
        while (Spectators.Any(s => s.LastId < s.Game.Version) && waited.Elapsed.TotalSeconds < timeout) await Task.Delay(20);
        return waited.Elapsed.TotalSeconds;
    }

    /// <summary>Closes every stream (the bench leaving, not the server ending them); what they received stays readable.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_closed) return;
        _closed = true;
        await _stop.CancelAsync();
        foreach (var spectator in Spectators) await spectator.StoppedAsync();
        _client.Dispose();
        _stop.Dispose();
    }
}

/// <summary>
/// One stream. It records each frame's version (its <c>id:</c>) and arrival (a <see cref="Stopwatch"/> timestamp),
/// and checks that the versions come one by one: a jump is a gap, a version again or backwards is out of order. A
/// stream the server ends or cuts (it fell too far behind) is resumed with <c>Last-Event-ID</c>, as a browser does.
/// </summary>
internal sealed class Spectator(LiveGame game)
{
    private readonly List<long> _versions = [];
    private readonly List<long> _arrivals = [];
    private Task _reading = Task.CompletedTask;
    private long _lastId = -1;

    public LiveGame Game { get; } = game;

    /// <summary>The version of the last frame received; -1 before the first.</summary>
    public long LastId => Volatile.Read(ref _lastId);

    /// <summary>Versions never received between two received ones.</summary>
    public long Missing { get; private set; }

    /// <summary>Frames whose version was not above the last one received.</summary>
    public long OutOfOrder { get; private set; }

    /// <summary>Times the stream ended or broke and was resumed.</summary>
    public int Resumed { get; private set; }

    /// <summary>Event frames received (not the first, the session as it was), by version and arrival; read once the
    /// stream is closed.</summary>
    public IReadOnlyList<long> Versions => _versions;

    public IReadOnlyList<long> Arrivals => _arrivals;

    /// <summary>Opens the stream, waits for its first frame, and reads the rest in the background until <paramref name="stop"/>.</summary>
    public async Task OpenAsync(HttpClient client, CancellationToken stop)
    {
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var response = await SendAsync(client, null, stop);
        _reading = ReadAsync(client, response, first, stop);
        await first.Task;
    }

    /// <summary>The reading has ended (after the stop).</summary>
    public Task StoppedAsync() => _reading;

    private async Task ReadAsync(HttpClient client, HttpResponseMessage response, TaskCompletionSource first, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                try
                {
                    await using var body = await response.Content.ReadAsStreamAsync(stop);
                    // The data is not deserialized: the frame's version is its id, and its session is the stream's.
                    await foreach (var item in SseParser.Create(body, static (type, _) => type == "session").EnumerateAsync(stop))
                    {
                        Received(Stopwatch.GetTimestamp(), item);
                        first.TrySetResult();
                    }
                }
                catch (Exception e) when (!stop.IsCancellationRequested && e is IOException or HttpRequestException)
                {
                    // Cut off: resumed below, like a stream the server ended.
                }
                finally
                {
                    response.Dispose();
                }

                stop.ThrowIfCancellationRequested();
                Resumed++;
                response = await SendAsync(client, LastId, stop);
            }
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // The bench closed the stream.
            first.TrySetCanceled(stop);
        }
        catch (Exception e)
        {
            first.TrySetException(e);
            throw;
        }
    }

    private void Received(long at, SseItem<bool> item)
    {
        var id = long.Parse(item.EventId!, CultureInfo.InvariantCulture);
        var last = LastId;
        if (item.Data && last < 0)
        {
            // The first frame: the session as it is, at its version; every version after it must follow.
            Volatile.Write(ref _lastId, id);
            return;
        }

        if (id <= last)
        {
            OutOfOrder++;
            return;
        }

        Missing += id - last - 1;
        _versions.Add(id);
        _arrivals.Add(at);
        Volatile.Write(ref _lastId, id);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpClient client, long? lastEventId, CancellationToken stop)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/sessions/{Game.Id}/live");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is { } resume) request.Headers.TryAddWithoutValidation("Last-Event-ID", resume.ToString(CultureInfo.InvariantCulture));
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop);
        if (response.StatusCode == HttpStatusCode.OK) return response;
        var body = await response.Content.ReadAsStringAsync(stop);
        response.Dispose();
        throw new InvalidOperationException($"GET /sessions/{Game.Id}/live answered {(int)response.StatusCode}: {body}");
    }
}
