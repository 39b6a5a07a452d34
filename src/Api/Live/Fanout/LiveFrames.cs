using System.Net.ServerSentEvents;
using System.Text.Json;
using EventApi.Api.Features.Sessions;
using EventApi.Domain.Sessions;
using JasperFx.Events;

namespace EventApi.Api.Live;

/// <summary>One frame of a session's stream: its version (the SSE <c>id</c>) and the item, serialized once and shared by
/// every spectator of the session on this node.</summary>
public readonly record struct Frame(long Version, SseItem<byte[]> Item);

/// <summary>Makes the frames: the session as it is (<c>event: session</c>), and one frame per event, named by the
/// event's public type, carrying the event as <c>/events</c> shows it and the session after it.</summary>
public sealed class LiveFrames(JsonSerializerOptions json)
{
    /// <summary>The event name of the first frame of a stream that does not resume: the session as it is.</summary>
    public const string SessionFrame = "session";

    public Frame Snapshot(long version, SessionState state) =>
        Make(version, SessionFrame, new LiveFrame { Event = null, Session = SessionResponse.From(version, state) });

    /// <summary>The frame of <paramref name="e"/>, given the session after it (which decides what the event may show:
    /// a sealed session's secret once it has ended, never before; never the callback URL).</summary>
    public Frame For(IEvent e, SessionState after)
    {
        var frame = new LiveFrame { Event = SessionEventResponse.From(e, after, json), Session = SessionResponse.From(e.Version, after) };
        return Make(e.Version, frame.Event.Type, frame);
    }

    /// <summary>The frames of <paramref name="events"/> after version <paramref name="after"/>, folding them from
    /// <paramref name="state"/>: the session before the first of them (a checkpoint's, or the initial state before a
    /// stream's first event).</summary>
    public List<Frame> Replay(SessionState state, IReadOnlyList<IEvent> events, long after)
    {
        var frames = new List<Frame>();
        foreach (var e in events)
        {
            state = SessionDecider.Evolve(state, e.Data);
            if (e.Version > after) frames.Add(For(e, state));
        }

        return frames;
    }

    private Frame Make(long version, string type, LiveFrame frame) =>
        new(version, new SseItem<byte[]>(JsonSerializer.SerializeToUtf8Bytes(frame, json), type)
        {
            EventId = version.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
}
