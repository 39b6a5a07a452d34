using EventApi.Domain.Game;
using EventApi.Domain.Sessions;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace EventApi.Projections.Timelines;

/// <summary>One move of a session as a client scrubbing through the game needs it.</summary>
/// <param name="Version">The move's stream version.</param>
/// <param name="Move">The direction played.</param>
/// <param name="Merged">The tiles the move merged, at their destinations.</param>
/// <param name="ScoreGained">What the merges scored.</param>
/// <param name="Spawned">The tile that spawned after the move.</param>
/// <param name="Score">The score after the move.</param>
/// <param name="Board">The board after the move, board[y][x].</param>
public sealed record TimelineFrame(
    long Version,
    Direction Move,
    Tile[] Merged,
    int ScoreGained,
    Tile Spawned,
    int Score,
    Board Board);

/// <summary>A session's replay timeline: the starting board and one frame per move, so a client can scrub through
/// a game without the rules.</summary>
public sealed class SessionTimeline
{
    public Guid Id { get; set; }

    /// <summary>The stream version this timeline has reached; Marten sets it.</summary>
    public long Version { get; set; }

    public Board Start { get; set; }
    public List<TimelineFrame> Frames { get; set; } = [];
}

/// <summary>Builds timelines with the engine's own replay of a recorded move (no generator involved).</summary>
public sealed class SessionTimelineProjection : SingleStreamProjection<SessionTimeline, Guid>
{
    public const string ProjectionName = "session-timeline";

    public SessionTimelineProjection()
    {
        Name = ProjectionName;
        IncludeType<SessionStarted>();
        IncludeType<TilesMoved>();
    }

    public override SessionTimeline? Evolve(SessionTimeline? snapshot, Guid id, IEvent e)
    {
        switch (e.Data)
        {
            case SessionStarted started:
                var start = default(Board);
                foreach (var tile in started.Spawned) start.Place(tile);
                return new SessionTimeline { Id = id, Start = start };
            case TilesMoved moved when snapshot is not null:
                var last = snapshot.Frames.Count == 0 ? null : snapshot.Frames[^1];
                var before = new GameState(last?.Board ?? snapshot.Start, default, last?.Score ?? 0, snapshot.Frames.Count);
                var after = Engine.Replay(before, moved.Direction, moved.Spawned);
                snapshot.Frames.Add(new TimelineFrame(e.Version, moved.Direction, moved.Merged, moved.ScoreGained, moved.Spawned, after.Score, after.Board));
                return snapshot;
            default:
                return snapshot;
        }
    }
}
