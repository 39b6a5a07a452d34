using System.Text.Json.Serialization;
using EventApi.Domain.Claims;
using EventApi.Domain.Game;
using EventApi.Domain.Sessions;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;

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

/// <summary>The head of a session's timeline: where it starts and where its last frame left the game, which is all
/// the next move needs. Its frames are in documents of their own (<see cref="SessionTimelineSegment"/>), so the head stays
/// the same size however long the game gets.</summary>
public sealed class SessionTimeline
{
    public Guid Id { get; set; }

    /// <summary>The stream version of the last event the timeline has taken.</summary>
    public long Version { get; set; }

    public Board Start { get; set; }

    /// <summary>The board after the last frame (the start before the first move).</summary>
    public Board Board { get; set; }

    public int Score { get; set; }
    public int MoveCount { get; set; }

    public static SessionTimeline Begin(Guid id, long version, SessionStarted started)
    {
        var start = default(Board);
        foreach (var tile in started.Spawned) start.Place(tile);
        return new SessionTimeline { Id = id, Version = version, Start = start, Board = start };
    }

    /// <summary>Replays a recorded move with the engine (no generator involved) and returns it as a segment keeps it.</summary>
    public TimelineMove Advance(long version, TilesMoved moved)
    {
        var after = Engine.Replay(new GameState(Board, default, Score, MoveCount), moved.Direction, moved.Spawned);
        (Version, Board, Score, MoveCount) = (version, after.Board, after.Score, after.MoveCount);
        return new TimelineMove(version, moved.Direction, moved.Spawned);
    }
}

/// <summary>One move as a timeline segment keeps it: what the frame needs that the game before it does not say.</summary>
/// <param name="Version">The move's stream version.</param>
/// <param name="Move">The direction played.</param>
/// <param name="Spawned">The tile that spawned after the move.</param>
public sealed record TimelineMove(long Version, Direction Move, Tile Spawned);

/// <summary>
/// Consecutive moves of one session as one daemon batch took them, written once and never rewritten: the game before
/// the first of them (<see cref="Board"/>, <see cref="Score"/>) and each move, from which <see cref="FramesOf"/> replays
/// the frames with the rules (about 0.1 µs a move). The moves are written as three characters each in
/// <see cref="Played"/>, so that a segment is a few hundred bytes where its frames would be kilobytes. A session's frames
/// are its segments' frames in version order. How moves fall into segments depends only on how the daemon batched the
/// events: a move a batch when the daemon keeps up, a run of many when it catches up or rebuilds.
/// </summary>
/// <param name="Id"><c>{sessionId}:{version of the first move}</c>.</param>
/// <param name="SessionId">The session, a duplicated and indexed column for the timeline's query.</param>
/// <remarks>
/// Segments written before keep their shapes, and read the same: the moves as a list of objects
/// (<see cref="Moves"/>, from <c>48b8fb5</c>), and before that the frames themselves (<see cref="Frames"/>).
/// </remarks>
public sealed record SessionTimelineSegment(string Id, Guid SessionId)
{
    /// <summary>The board before the first move.</summary>
    public Board Board { get; init; }

    /// <summary>The score before the first move.</summary>
    public int Score { get; init; }

    /// <summary>The stream version of the first move.</summary>
    public long From { get; init; }

    /// <summary>
    /// The moves in version order, three characters each: the direction (<c>u</c>, <c>r</c>, <c>d</c>, <c>l</c>), the
    /// cell the tile spawned on after it (a hex digit, row × 4 + column) and the spawned value (<c>2</c> or <c>4</c>).
    /// </summary>
    public string? Played { get; init; }

    /// <summary>The versions between the first move and the last that are not moves (a milestone's), in order; null when
    /// there are none, as nearly always.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long[]? Skipped { get; init; }

    /// <summary>The moves as segments written from <c>48b8fb5</c> until <see cref="Played"/> kept them; null since.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TimelineMove[]? Moves { get; init; }

    /// <summary>The frames themselves, as segments written before moves were kept alone held them; null since.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TimelineFrame[]? Frames { get; init; }

    /// <summary>The segment of <paramref name="moves"/> (at least one, in version order) from the game
    /// (<paramref name="board"/>, <paramref name="score"/>) before the first.</summary>
    public static SessionTimelineSegment For(Guid sessionId, Board board, int score, IReadOnlyList<TimelineMove> moves)
    {
        var from = moves[0].Version;
        List<long>? skipped = null;
        var played = string.Create(moves.Count * CharsPerMove, moves, static (span, m) =>
        {
            for (var i = 0; i < m.Count; i++) Encode(m[i], span.Slice(i * CharsPerMove, CharsPerMove));
        });
        for (var i = 1; i < moves.Count; i++)
        {
            for (var v = moves[i - 1].Version + 1; v < moves[i].Version; v++) (skipped ??= []).Add(v);
        }

        return new($"{sessionId}:{from}", sessionId) { Board = board, Score = score, From = from, Played = played, Skipped = skipped?.ToArray() };
    }

    private const int CharsPerMove = 3;

    private long FirstVersion => Played is not null ? From : Moves?[0].Version ?? Frames![0].Version;

    /// <summary>A session's frames from its segments in any order: every frame once, in version order.</summary>
    public static IEnumerable<TimelineFrame> FramesOf(IEnumerable<SessionTimelineSegment> segments) =>
        segments.OrderBy(s => s.FirstVersion).SelectMany(s => s.Frames ?? s.Replay());

    /// <summary>The segment's moves, in version order, whichever shape it was written in.</summary>
    public IEnumerable<TimelineMove> MovesPlayed()
    {
        if (Played is null)
        {
            foreach (var move in Moves ?? []) yield return move;
            yield break;
        }

        if (Played.Length % CharsPerMove != 0) throw new InvalidDataException($"Timeline segment {Id} has moves of {Played.Length} characters.");
        var (version, skip) = (From, 0);
        for (var i = 0; i < Played.Length; i += CharsPerMove)
        {
            while (Skipped is not null && skip < Skipped.Length && Skipped[skip] == version) (version, skip) = (version + 1, skip + 1);
            yield return Decode(version++, Played.AsSpan(i, CharsPerMove));
        }
    }

    private static void Encode(TimelineMove move, Span<char> code)
    {
        var (x, y, value) = move.Spawned;
        if (x is < 0 or > 3 || y is < 0 or > 3 || value is not (2 or 4))
            throw new ArgumentOutOfRangeException(nameof(move), move.Spawned, "A spawned tile is a 2 or a 4 on the board.");
        code[0] = MoveCodes.Encode(move.Move);
        code[1] = "0123456789abcdef"[y * 4 + x];
        code[2] = value == 2 ? '2' : '4';
    }

    private TimelineMove Decode(long version, ReadOnlySpan<char> code)
    {
        var cell = code[1] switch { >= '0' and <= '9' => code[1] - '0', >= 'a' and <= 'f' => code[1] - 'a' + 10, _ => -1 };
        if (code[0] is not ('u' or 'r' or 'd' or 'l') || cell < 0 || code[2] is not ('2' or '4'))
            throw new InvalidDataException($"Timeline segment {Id} has the move '{code}', which is not a direction, a cell and a 2 or a 4.");
        return new TimelineMove(version, MoveCodes.Decode(code[0]), new Tile(cell % 4, cell / 4, code[2] - '0'));
    }

    /// <summary>The segment's frames: each move replayed with the rules from the game before it.</summary>
    private IEnumerable<TimelineFrame> Replay()
    {
        var (board, score) = (Board, Score);
        var merges = new Tile[Rules.MaxMergesPerMove];
        foreach (var move in MovesPlayed())
        {
            if (!Rules.Slide(ref board, move.Move, merges, out var merged, out var gained))
                throw new InvalidDataException($"Timeline move {move.Version} ({move.Move}) moves no tile on {board}.");
            board.Place(move.Spawned);
            score += gained;
            yield return new TimelineFrame(move.Version, move.Move, merges[..merged], gained, move.Spawned, score, board);
        }
    }
}

/// <summary>
/// Builds timelines so that a move costs the same whatever the length of the game: each batch inserts, for each session
/// it advanced, one segment with its moves (the frames are replayed from them when read), and rewrites the session's
/// small head. The head carries a session's state from one batch to the next; an event at or below the head's version
/// was taken already and is passed over, so a page applied again writes nothing new, and a segment is never written
/// twice.
/// </summary>
public sealed class SessionTimelineProjection : ProjectionBase, IProjection
{
    public const string ProjectionName = "session-timeline";

    public SessionTimelineProjection()
    {
        // A finished session's events are archived after a while; a rebuild must still count them.
        IncludeArchivedEvents = true;
        Name = ProjectionName;
        IncludeType<SessionStarted>();
        IncludeType<TilesMoved>();
        Options.DeleteViewTypeOnTeardown<SessionTimeline>();
        Options.DeleteViewTypeOnTeardown<SessionTimelineSegment>();
    }

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var heads = (await operations.LoadManyAsync<SessionTimeline>(cancellation, events.Select(e => e.StreamId).Distinct()))
            .ToDictionary(h => h.Id);
        var touched = new HashSet<Guid>();
        var runs = new Dictionary<Guid, (Board Board, int Score, List<TimelineMove> Moves)>();
        foreach (var e in events)
        {
            try
            {
                var head = heads.GetValueOrDefault(e.StreamId);
                if (head is not null && e.Version <= head.Version) continue;
                switch (e.Data)
                {
                    case SessionStarted started:
                        heads[e.StreamId] = SessionTimeline.Begin(e.StreamId, e.Version, started);
                        break;
                    case TilesMoved moved when head is not null:
                        if (!runs.TryGetValue(e.StreamId, out var run)) runs[e.StreamId] = run = (head.Board, head.Score, []);
                        run.Moves.Add(head.Advance(e.Version, moved));
                        break;
                    default:
                        continue;
                }

                touched.Add(e.StreamId);
            }
            catch (Exception ex) when (!ProjectionExceptions.IsExceptionTransient(ex))
            {
                // As Marten's own projections do: the daemon's error policy dead-letters the event or pauses on it.
                throw new ApplyEventException(e, ex);
            }
        }

        // Insert, not upsert: a segment starts after its head's version, which no earlier segment reaches.
        foreach (var (session, run) in runs) operations.Insert(SessionTimelineSegment.For(session, run.Board, run.Score, run.Moves));
        if (touched.Count > 0) operations.Store(touched.Select(id => heads[id]).ToArray());
    }
}
