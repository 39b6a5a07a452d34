using System.Collections.Concurrent;
using System.Net.ServerSentEvents;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using EventApi.Api.Features.Sessions;
using EventApi.Domain.Sessions;
using EventApi.Projections.Sessions;
using Marten;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EventApi.Api.Live;

/// <summary>How a stream's opening went.</summary>
public enum JoinOutcome
{
    /// <summary>The stream is open: send its frames.</summary>
    Watching,

    /// <summary>There is no such session.</summary>
    NotFound,

    /// <summary>The resume names a version the session has not reached.</summary>
    AfterTheEnd,

    /// <summary>The session has ended and the client has every frame: nothing will come.</summary>
    NothingMore,
}

/// <summary>
/// The node's spectators, by session: one <see cref="SessionFeed"/> per watched session, however many watch it, made
/// when the first stream opens and removed when the last one closes. The <see cref="SessionChangeListener"/> wakes a
/// feed when its session changes; a notification for a session nobody watches here costs a dictionary look-up.
/// </summary>
public sealed class LiveSessions : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<Guid, SessionFeed> _feeds = new();
    private int _connections;
    private bool _stopping;

    public LiveSessions(IDocumentStore store, IOptions<LiveOptions> options, IOptions<JsonOptions> json, ILogger<LiveSessions> logger)
    {
        Store = store;
        Options = options.Value;
        Logger = logger;
        Frames = new LiveFrames(json.Value.SerializerOptions);
        Reads = new FeedReads(store, Options.MaxConcurrentReads);
    }

    internal IDocumentStore Store { get; }
    internal LiveOptions Options { get; }
    internal ILogger Logger { get; }
    internal LiveFrames Frames { get; }

    /// <summary>The feeds' reads of new events, batched; at most <see cref="LiveOptions.MaxConcurrentReads"/> at once, so
    /// that spectators never take the command path's connections.</summary>
    internal FeedReads Reads { get; }

    /// <summary>Streams open on this node.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Sessions watched on this node.</summary>
    public int WatchedSessions => _feeds.Count;

    /// <summary>Session <paramref name="id"/> changed (a notification).</summary>
    public void Changed(Guid id)
    {
        if (_feeds.TryGetValue(id, out var feed)) feed.Wake();
    }

    /// <summary>Notifications may have been missed (the listener reconnected): every feed reads what it has not seen.</summary>
    public void ChangedAll()
    {
        foreach (var feed in _feeds.Values) feed.Wake();
    }

    /// <summary>Takes one of the node's <see cref="LiveOptions.MaxConnections"/>; false when none is left.</summary>
    public bool TryOpen()
    {
        if (Interlocked.Increment(ref _connections) <= Options.MaxConnections && !Volatile.Read(ref _stopping)) return true;
        Interlocked.Decrement(ref _connections);
        return false;
    }

    /// <summary>Gives back what <see cref="TryOpen"/> took (a <see cref="Subscription"/> does when disposed).</summary>
    public void Close() => Interlocked.Decrement(ref _connections);

    /// <summary>
    /// Opens a stream of session <paramref name="id"/>: from the session as it is when <paramref name="after"/> is null,
    /// else with exactly the events after that version. <paramref name="abort"/> cuts the connection when it falls
    /// too far behind.
    /// </summary>
    public async Task<(JoinOutcome Outcome, Subscription? Subscription, long Version)> JoinAsync(Guid id, long? after,
        Action abort, CancellationToken ct)
    {
        SessionFeed feed;
        lock (_gate)
        {
            if (!_feeds.TryGetValue(id, out feed!))
            {
                feed = new SessionFeed(id, this);
                _feeds[id] = feed;
                feed.Start();
            }

            feed.Members++;
        }

        var joined = false;
        Spectator? spectator = null;
        try
        {
            if (!await feed.Loaded.WaitAsync(ct)) return (JoinOutcome.NotFound, null, 0);

            spectator = new Spectator(Options.SpectatorBacklog, after ?? -1, abort);
            var (version, state, snapshot) = feed.Join(spectator);
            var ended = state.Status != SessionStatus.Active;
            if (after is null)
            {
                joined = !ended;
                return (JoinOutcome.Watching, new Subscription(this, feed, ended ? null : spectator, [snapshot]), version);
            }

            if (after > version)
            {
                // The feed may be behind the store for a moment: only the store can say the version is not there yet.
                await using var session = Store.QuerySession();
                var stream = await session.Events.FetchStreamStateAsync(id, ct);
                if (after > (stream?.Version ?? 0)) return (JoinOutcome.AfterTheEnd, null, stream?.Version ?? version);
            }

            if (ended && after >= version) return (JoinOutcome.NothingMore, null, version);

            IReadOnlyList<Frame> missed = [];
            if (after < version)
            {
                // A resume from before the feed's version: one read for this stream alone, from the last checkpoint
                // before the resume (SessionStreams.FromCheckpointAsync). The feed has seen the stream past it.
                await using var session = Store.QuerySession();
                var (start, events) = await session.FromCheckpointAsync(id, SessionCheckpoint.Before(after.Value), version, ct);
                missed = Frames.Replay(start ?? throw new InvalidOperationException($"Session {id} has no version {after}."), events, after.Value);
            }

            joined = !ended;
            return (JoinOutcome.Watching, new Subscription(this, feed, ended ? null : spectator, missed), version);
        }
        finally
        {
            if (!joined) Release(feed, spectator);
        }
    }

    /// <summary>A stream closed: its spectator leaves the feed, and the feed goes when nobody is left.</summary>
    internal void Release(SessionFeed feed, Spectator? spectator)
    {
        if (spectator is not null) feed.Leave(spectator);
        lock (_gate)
        {
            if (--feed.Members > 0) return;
            _feeds.TryRemove(new KeyValuePair<Guid, SessionFeed>(feed.Id, feed));
            feed.Stop();
        }
    }

    /// <summary>A feed that failed is forgotten at once: a stream that opens next gets a new one.</summary>
    internal void Forget(SessionFeed feed)
    {
        lock (_gate) _feeds.TryRemove(new KeyValuePair<Guid, SessionFeed>(feed.Id, feed));
    }

    /// <summary>The node stops: no stream opens any more, and every open one ends after the frames it was given.</summary>
    public void EndAll()
    {
        Volatile.Write(ref _stopping, true);
        foreach (var feed in _feeds.Values) feed.EndAll();
    }

    public ValueTask DisposeAsync() => Reads.DisposeAsync();

    /// <summary>What a database outage or a dropped connection looks like: logged as one line, not a stack trace.</summary>
    internal static bool IsTransient(Exception e) => e is NpgsqlException or SocketException or IOException or TimeoutException;
}

/// <summary>One open stream: the frames it starts with (the session as it is, or the events it missed), then the
/// feed's frames as they come.</summary>
public sealed class Subscription(LiveSessions hub, SessionFeed feed, Spectator? spectator, IReadOnlyList<Frame> first) : IDisposable
{
    private IReadOnlyList<Frame>? _first = first;
    private int _disposed;

    /// <summary>Whether the stream was cut for falling behind.</summary>
    public bool Dropped => spectator?.Dropped ?? false;

    public async IAsyncEnumerable<SseItem<byte[]>> ReadAllAsync([EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var frame in _first!) yield return frame.Item;
        // A resume from far back may have brought many frames: they are not kept for the stream's life.
        _first = null;
        if (spectator is null) yield break;
        await foreach (var frame in spectator.ReadAllAsync(ct)) yield return frame.Item;
    }

    /// <summary>The stream has ended: its spectator leaves the feed, and the node's connection is given back.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (spectator is not null)
        {
            spectator.Close();
            hub.Release(feed, spectator);
        }

        hub.Close();
    }
}
