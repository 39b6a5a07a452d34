using System.ComponentModel.DataAnnotations;
using EventApi.Api.Infrastructure;
using EventApi.Domain.Sessions;
using EventApi.Projections.Sessions;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventApi.Api.Features.Sessions;

public static class ReplaySessionEndpoint
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/sessions/{id:guid}/replay", Handle)
            .WithName("replaySession")
            .WithSummary("See a session as it was")
            .WithDescription("Time travel over the event stream: the session view as it was at stream version N (?version=N), or at a moment (?at=ISO-8601 timestamp). The API has one clock: a startedAt or updatedAt it answered with, or an event's timestamp, gives the session exactly as it was then. Give exactly one of them. A version outside 1..current, or a moment before the session started, is 422.")
            .Produces<SessionResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <param name="id">The session.</param>
    /// <param name="version">The stream version to see the session at, from 1.</param>
    /// <param name="at">The moment to see the session at (ISO-8601, with an offset).</param>
    /// <param name="session">Marten.</param>
    /// <param name="ct">The request's cancellation.</param>
    public static async Task<IResult> Handle(Guid id, [Range(1, long.MaxValue)] long? version, DateTimeOffset? at, IQuerySession session, CancellationToken ct)
    {
        if (version is null == at is null)
        {
            return ExactlyOneMoment();
        }

        var replay = version is { } v ? await ToVersionAsync(session, id, v, ct) : await ToMomentAsync(session, id, at!.Value, ct);
        if (replay.Current is null) return Problems.SessionNotFound(id);
        if (version is { } asked && (asked < 1 || asked > replay.Current.Version))
        {
            return VersionOutOfRange(id, replay.Current.Version, asked);
        }

        if (replay.State is null)
        {
            return Problems.Create(StatusCodes.Status422UnprocessableEntity, ProblemTypes.VersionOutOfRange,
                "Before the session started", $"Session {id} had not started at {at:O}.",
                new Dictionary<string, object?> { ["currentVersion"] = replay.Current.Version });
        }

        return TypedResults.Ok(SessionResponse.From(replay.Version, replay.State));
    }

    /// <summary>The session now (null: no such session) and as it was (null: not started then), at which version.</summary>
    private readonly record struct Replay(SessionView? Current, SessionState? State, long Version);

    /// <summary>
    /// One round trip: the inline view (for the current version), the checkpoint at or before the version and the events
    /// after it, archived or not (<see cref="SessionStreams"/>), folded here with the decider as the view itself is. Fewer
    /// than <see cref="SessionCheckpoint.Every"/> events, however long the stream; a second read, of the events before
    /// them, only when that checkpoint was not kept (a stream written before checkpoints were).
    /// </summary>
    private static async Task<Replay> ToVersionAsync(IQuerySession session, Guid id, long version, CancellationToken ct)
    {
        var from = SessionCheckpoint.Before(version);
        var batch = session.CreateBatchQuery();
        var viewing = batch.Load<SessionView>(id);
        var checkpointing = from > 0 ? batch.Load<SessionCheckpoint>(SessionCheckpoint.IdOf(id, from)) : null;
        var reading = batch.Query<IEvent>().Where(SessionStreams.EventsAfter(id, from)).Where(e => e.Version <= version)
            .OrderBy(e => e.Version).ToList();
        await batch.Execute(ct);

        var current = await viewing;
        if (current is null || version > current.Version) return new Replay(current, null, 0);

        var start = checkpointing is null ? SessionState.Initial : (await checkpointing)?.State;
        if (start is null)
        {
            start = SessionDecider.Fold((await session.ReadUpToAsync(id, from, ct)).Select(e => e.Data));
        }

        return new Replay(current, SessionDecider.Fold(start, (await reading).Select(e => e.Data)), version);
    }

    /// <summary>
    /// The view, the last checkpoint at or before the moment and the events of the stream's first checkpoint interval up
    /// to the moment, in one round trip: a moment in that interval needs nothing more; a later one reads the events
    /// after the checkpoint up to the moment (after the interval, when none was kept).
    /// </summary>
    private static async Task<Replay> ToMomentAsync(IQuerySession session, Guid id, DateTimeOffset at, CancellationToken ct)
    {
        var moment = at.ToUniversalTime();
        var batch = session.CreateBatchQuery();
        var viewing = batch.Load<SessionView>(id);
        var checkpointing = batch.Query<SessionCheckpoint>().Where(c => c.SessionId == id && c.At <= moment)
            .OrderByDescending(c => c.Version).FirstOrDefault();
        var reading = batch.Query<IEvent>().Where(SessionStreams.EventsAfter(id, 0, moment))
            .Where(e => e.Version <= SessionCheckpoint.Every).OrderBy(e => e.Version).ToList();
        await batch.Execute(ct);

        var current = await viewing;
        if (current is null) return new Replay(null, null, 0);

        var (start, from, events) = await checkpointing is { } checkpoint
            ? (checkpoint.State, checkpoint.Version, (IReadOnlyList<IEvent>)[])
            : (SessionState.Initial, 0L, await reading);
        if (from > 0 || events.Count == SessionCheckpoint.Every)
        {
            var after = from > 0 ? from : SessionCheckpoint.Every;
            events = [.. events, .. await session.Events.QueryAllRawEvents()
                .Where(SessionStreams.EventsAfter(id, after, moment)).OrderBy(e => e.Version).ToListAsync(ct)];
        }

        if (from == 0 && events.Count == 0) return new Replay(current, null, 0);
        return new Replay(current, SessionDecider.Fold(start, events.Select(e => e.Data)), events.Count > 0 ? events[^1].Version : from);
    }

    public static ValidationProblem ExactlyOneMoment() =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { ["version"] = ["Give exactly one of 'version' and 'at'."] },
            title: "Validation failed", type: ProblemTypes.ValidationFailed);

    public static ProblemHttpResult VersionOutOfRange(Guid id, long current, long version) =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, ProblemTypes.VersionOutOfRange,
            "Version out of range", $"Session {id} has versions 1 to {current}; {version} is not one of them.",
            new Dictionary<string, object?> { ["currentVersion"] = current });
}
