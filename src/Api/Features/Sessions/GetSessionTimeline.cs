using EventApi.Api.Infrastructure;
using EventApi.Projections.Sessions;
using EventApi.Projections.Timelines;
using Marten;

namespace EventApi.Api.Features.Sessions;

/// <summary>A session's timeline as the async daemon has built it so far.</summary>
public sealed record SessionTimelineResponse
{
    /// <example>0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10</example>
    public required Guid SessionId { get; init; }

    /// <summary>The stream version the timeline has reached (0 before the daemon has seen the session).</summary>
    /// <example>3</example>
    public required long Version { get; init; }

    /// <summary>The board the game started with, board[y][x]; null before the daemon has seen the session.</summary>
    /// <example>[[0,4,0,0],[0,0,0,2],[0,0,0,0],[0,0,0,0]]</example>
    public required int[][]? Start { get; init; }

    /// <summary>One frame per move, in order.</summary>
    public required IReadOnlyList<TimelineFrame> Frames { get; init; }
}

public static class GetSessionTimelineEndpoint
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/sessions/{id:guid}/timeline", Handle)
            .WithName("getSessionTimeline")
            .WithSummary("Get a session's replay timeline")
            .WithDescription("One frame per move (version, move, tiles merged, score gained, the spawned tile, score and board after it), enough to scrub through a game without the rules. Built by the async daemon: freshness says how far it has got.")
            .Produces<Fresh<SessionTimelineResponse>>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static async Task<IResult> Handle(Guid id, IQuerySession session, CancellationToken ct)
    {
        var batch = session.CreateBatchQuery();
        var viewTask = batch.Load<SessionView>(id);
        var headTask = batch.Load<SessionTimeline>(id);
        var segmentsTask = batch.Query<SessionTimelineSegment>().Where(s => s.SessionId == id).ToList();
        await batch.Execute(ct);
        if (await viewTask is null) return Problems.SessionNotFound(id);

        var head = await headTask;
        var version = head?.Version ?? 0;
        // The segments are read after the head, and the daemon may have committed a batch in between: keep to the head's.
        var frames = SessionTimelineSegment.FramesOf(await segmentsTask).TakeWhile(f => f.Version <= version).ToList();
        var freshness = await FreshnessReader.ReadAsync(session.DocumentStore, SessionTimelineProjection.ProjectionName, ct);
        return TypedResults.Ok(new Fresh<SessionTimelineResponse>(new SessionTimelineResponse
        {
            SessionId = id,
            Version = version,
            Start = head?.Start.ToRows(),
            Frames = frames,
        }, freshness));
    }
}
