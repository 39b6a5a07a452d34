using System.Threading.Channels;
using EventApi.Domain.Sessions;

namespace EventApi.Api.Live;

/// <summary>
/// One watched session on this node: the session's state at the last version its spectators were sent, and the
/// spectators. A notification wakes it; it then reads the events after that version once, makes their frames once,
/// and offers them to every spectator. Wake-ups that come while it reads are folded into one more read.
/// </summary>
public sealed partial class SessionFeed
{
    private readonly LiveSessions _hub;
    private readonly Lock _gate = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<bool> _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Guarded by _gate. Only the feed's loop changes the version and the state.
    private Spectator[] _spectators = [];
    private long _version;
    private SessionState _state = SessionState.Initial;
    private Frame? _snapshot;

    internal SessionFeed(Guid id, LiveSessions hub)
    {
        Id = id;
        _hub = hub;
    }

    public Guid Id { get; }

    /// <summary>Streams that have joined or are joining; guarded by the hub, which removes the feed at zero.</summary>
    internal int Members { get; set; }

    /// <summary>True once the session's view is read; false when there is no such session.</summary>
    internal Task<bool> Loaded => _loaded.Task;

    internal void Start() => _ = RunAsync(_stop.Token);

    internal void Stop() => _stop.Cancel();

    /// <summary>New events may have been committed: read them (at once, or after the read under way).</summary>
    internal void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Adds <paramref name="spectator"/>, unless the session has ended, and says where the feed stands: the
    /// spectator gets every frame after that version.</summary>
    internal (long Version, SessionState State, Frame Snapshot) Join(Spectator spectator)
    {
        lock (_gate)
        {
            if (_state.Status == SessionStatus.Active) _spectators = [.. _spectators, spectator];
            _snapshot ??= _hub.Frames.Snapshot(_version, _state);
            return (_version, _state, _snapshot.Value);
        }
    }

    internal void Leave(Spectator spectator)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_spectators, spectator);
            if (index >= 0) _spectators = [.. _spectators[..index], .. _spectators[(index + 1)..]];
        }
    }

    /// <summary>The node stops: every stream ends after the frames it has been given.</summary>
    internal void EndAll()
    {
        lock (_gate) EndAllLocked();
    }

    private void EndAllLocked()
    {
        foreach (var spectator in _spectators) spectator.End();
        _spectators = [];
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            if (!await LoadAsync(ct)) return;
            var failures = 0;
            while (await _wake.Reader.WaitToReadAsync(ct))
            {
                _wake.Reader.TryRead(out _);
                try
                {
                    if (!await CatchUpAsync(ct)) return;
                    if (failures > 0) ReadsResumed(_hub.Logger, Id, failures);
                    failures = 0;
                }
                catch (Exception e) when (!ct.IsCancellationRequested && LiveSessions.IsTransient(e))
                {
                    // The database is away: try again, the listener also wakes every feed when it is back.
                    if (failures++ == 0) ReadFailed(_hub.Logger, Id, e.Message);
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 250 * failures)), ct);
                    Wake();
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _loaded.TrySetCanceled(ct);
        }
        catch (Exception e)
        {
            // Loading failed (the joiners answer it as any request's failure), or a bug: the streams end, and clients
            // reconnect to a new feed.
            _loaded.TrySetException(e);
            if (!LiveSessions.IsTransient(e)) FeedFailed(_hub.Logger, e, Id);
            _hub.Forget(this);
            EndAll();
        }
    }

    /// <summary>Reads the session's view: where the feed starts. False when there is nothing to follow.</summary>
    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var view = await _hub.Reads.ViewAsync(Id, ct);

        if (view is null || view.State.Status == SessionStatus.NotStarted)
        {
            _loaded.TrySetResult(false);
            return false;
        }

        lock (_gate)
        {
            _version = view.Version;
            _state = view.State;
        }

        _loaded.TrySetResult(true);
        return view.State.Status == SessionStatus.Active;
    }

    /// <summary>One read of the events after the feed's version (shared with other feeds' reads: <see cref="FeedReads"/>),
    /// their frames offered to every spectator. False once the session has ended (every stream has been ended after its
    /// last frame).</summary>
    private async Task<bool> CatchUpAsync(CancellationToken ct)
    {
        var events = await _hub.Reads.EventsAfterAsync(Id, _version, ct);

        if (events.Count == 0) return true;

        var state = _state;
        var frames = new Frame[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            state = SessionDecider.Evolve(state, events[i].Data);
            frames[i] = _hub.Frames.For(events[i], state);
        }

        var ended = state.Status != SessionStatus.Active;
        List<Spectator>? dropped = null;
        lock (_gate)
        {
            _version = events[^1].Version;
            _state = state;
            _snapshot = null;
            foreach (var spectator in _spectators)
            {
                if (!spectator.TryOffer(frames)) (dropped ??= []).Add(spectator);
            }

            if (dropped is not null) _spectators = [.. _spectators.Except(dropped)];
            if (ended) EndAllLocked();
        }

        if (dropped is not null)
        {
            foreach (var spectator in dropped) spectator.Drop();
            SpectatorsDropped(_hub.Logger, dropped.Count, Id, _hub.Options.SpectatorBacklog);
        }

        return !ended;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped {Count} spectator(s) of session {SessionId}: more than {Backlog} reads behind; they resume with Last-Event-ID")]
    private static partial void SpectatorsDropped(ILogger logger, int count, Guid sessionId, int backlog);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading session {SessionId} for its spectators failed ({Reason}); retrying")]
    private static partial void ReadFailed(ILogger logger, Guid sessionId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading session {SessionId} for its spectators works again after {Failures} failed attempt(s)")]
    private static partial void ReadsResumed(ILogger logger, Guid sessionId, int failures);

    [LoggerMessage(Level = LogLevel.Error, Message = "The live feed of session {SessionId} stopped; its streams end and clients reconnect")]
    private static partial void FeedFailed(ILogger logger, Exception exception, Guid sessionId);
}
