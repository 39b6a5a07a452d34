using System.Globalization;
using EventApi.Api.Features.Sessions;
using EventApi.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace EventApi.Api.Live;

/// <summary>The data of a frame of <c>GET /sessions/{id}/live</c>.</summary>
public sealed record LiveFrame
{
    /// <summary>The event, as <c>GET /sessions/{id}/events</c> shows it; null in the first frame (event name <c>session</c>), which is the session as it was when the stream opened.</summary>
    public required SessionEventResponse? Event { get; init; }

    /// <summary>The session after the event: all a spectator needs to draw the board.</summary>
    public required SessionResponse Session { get; init; }
}

public static class WatchSessionEndpoint
{
    private const string Description =
        "Server-Sent Events: the session as it is, then one frame per event appended to it, from whichever node appended it. " +
        "Each frame has `id:` the stream version and `event:` the event's type (`session` for the first frame, `tiles_moved`, `milestone_reached`, `game_over`, `session_abandoned`); " +
        "its data is a LiveFrame: the event as /events shows it (a sealed session's secret only once it has ended; never the callback URL) and the session after it. " +
        "The stream opens with a `retry:` hint, carries a comment line when idle, and closes after the frame of the event that ends the session. " +
        "Resume with `Last-Event-ID` (browsers send it when they reconnect) or `after`: exactly the events after that version, no snapshot; Last-Event-ID wins when both are sent. " +
        "A resume of an ended session that has nothing left to send is 204, which tells a browser to stop reconnecting. " +
        "A spectator that falls too far behind is cut off and resumes. When the node serves as many streams as it may, 503 with Retry-After.";

    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/sessions/{id:guid}/live", Handle)
            .WithTags("Sessions")
            .WithName("watchSession")
            .WithSummary("Watch a session live")
            .WithDescription(Description)
            .AddEndpointFilter(AcceptFilter.EventStream)
            .DocumentHeaders([HeaderDocs.LastEventId], (503, HeaderDocs.RetryAfter))
            .Produces<LiveFrame>(StatusCodes.Status200OK, "text/event-stream")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status406NotAcceptable)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <param name="id">The session.</param>
    /// <param name="after">Resume after this version (0 or more): the frames of the events after it. Last-Event-ID, when sent, wins.</param>
    /// <param name="http">The request (its Last-Event-ID) and the connection to cut when the spectator falls behind.</param>
    /// <param name="live">The node's spectators.</param>
    /// <param name="options">The live options.</param>
    /// <param name="clock">The heartbeats' clock.</param>
    /// <param name="ct">The request's cancellation.</param>
    public static async Task<IResult> Handle(Guid id, long? after, HttpContext http, LiveSessions live,
        IOptions<LiveOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (ResumeAfter(http.Request, after, out var resume) is { } invalid) return invalid;
        if (!live.TryOpen()) return Full(http, options.Value);

        var opened = false;
        try
        {
            var (outcome, subscription, version) = await live.JoinAsync(id, resume, http.Abort, ct);
            opened = subscription is not null;
            return outcome switch
            {
                JoinOutcome.Watching => new EventStreamResult(subscription!, options.Value, clock),
                JoinOutcome.NotFound => Problems.SessionNotFound(id),
                JoinOutcome.AfterTheEnd => AfterTheEnd(id, resume!.Value, version),
                _ => TypedResults.NoContent(),
            };
        }
        finally
        {
            // An open stream gives the node's connection back when it ends (the result disposes the subscription).
            if (!opened) live.Close();
        }
    }

    /// <summary>Where a stream resumes: Last-Event-ID when sent (it is newer than the URL's after), else after.</summary>
    private static IResult? ResumeAfter(HttpRequest request, long? after, out long? resume)
    {
        resume = after;
        var header = request.Headers[HeaderDocs.LastEventId];
        if (header.Count > 0 && !string.IsNullOrEmpty(header[^1]))
        {
            if (!long.TryParse(header[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var lastEventId))
                return Problems.InvalidHeader(HeaderDocs.LastEventId, "Last-Event-ID must be the id of a frame of this stream: a version, 0 or more.");
            resume = lastEventId;
        }
        else if (after < 0)
        {
            return AfterNegative();
        }

        return null;
    }

    public static ValidationProblem AfterNegative() =>
        Problems.InvalidQuery(new() { ["after"] = ["'after' must be a version, 0 or more."] });

    public static ProblemHttpResult AfterTheEnd(Guid id, long after, long version) =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, ProblemTypes.VersionOutOfRange, "Version out of range",
            $"Session {id} is at version {version}; there is nothing after version {after} to resume from.",
            new Dictionary<string, object?> { ["currentVersion"] = version });

    public static ProblemHttpResult Full(HttpContext http, LiveOptions options)
    {
        var seconds = RetryAfter.Set(http.Response, options.RetryAfterWhenFull);
        return Problems.Create(StatusCodes.Status503ServiceUnavailable, ProblemTypes.LiveCapacityReached, "Too many live streams",
            $"This node serves as many live streams as it may ({options.MaxConnections}). Try again in {seconds} seconds, or poll GET /sessions/{{id}}/events.");
    }
}
