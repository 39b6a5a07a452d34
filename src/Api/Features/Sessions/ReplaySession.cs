using System.ComponentModel.DataAnnotations;
using System.Linq.Expressions;
using EventApi.Api.Infrastructure;
using EventApi.Domain.Sessions;
using EventApi.Projections.Sessions;
using JasperFx.Events;
using Marten;
using Marten.Linq;
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
        if (replay.State is { } state) return TypedResults.Ok(SessionResponse.From(replay.Version, state));
        if (replay.CurrentVersion is not { } current) return Problems.SessionNotFound(id);
        if (version is { } asked) return VersionOutOfRange(id, current, asked);
        return Problems.Create(StatusCodes.Status422UnprocessableEntity, ProblemTypes.VersionOutOfRange,
            "Before the session started", $"Session {id} had not started at {at:O}.",
            new Dictionary<string, object?> { ["currentVersion"] = current });
    }

    /// <summary>The session as it was (<see cref="State"/>, at <see cref="Version"/>), or why not: no such session
    /// (<see cref="CurrentVersion"/> null), or a version or moment outside its stream (<see cref="CurrentVersion"/>, its
    /// version now).</summary>
    private readonly record struct Replay(SessionState? State, long Version, long? CurrentVersion);

    /// <summary>
    /// One round trip: the checkpoint at or before the version and the events after it up to the version, archived or
    /// not (<see cref="SessionStreams.FromCheckpointAsync"/>), folded here with the decider as the view itself is: fewer
    /// than <see cref="SessionCheckpoint.Every"/> events, however long the stream. When they are all there, the session
    /// has that version, and the answer needs nothing more; otherwise the inline view says whether the session or the
    /// version exists.
    /// </summary>
    private static async Task<Replay> ToVersionAsync(IQuerySession session, Guid id, long version, CancellationToken ct)
    {
        var from = SessionCheckpoint.Before(version);
        var (start, after) = await session.FromCheckpointAsync(id, from, version, ct);
        if (version >= 1 && start is not null && after.Count == version - from)
        {
            return new Replay(SessionDecider.Fold(start, after.Select(e => e.Data)), version, null);
        }

        var current = await session.LoadAsync<SessionView>(id, ct);
        return new Replay(null, 0, current?.Version);
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
        var checkpointing = batch.Query(new LastCheckpointAt { SessionId = id, At = moment });
        var reading = batch.Events(id, 0, SessionCheckpoint.Every, moment);
        await batch.Execute(ct);

        var current = await viewing;
        if (current is null) return new Replay(null, 0, null);

        var (start, from, events) = await checkpointing is { } checkpoint
            ? (checkpoint.State, checkpoint.Version, (IReadOnlyList<IEvent>)[])
            : (SessionState.Initial, 0L, await reading);
        if (from > 0 || events.Count == SessionCheckpoint.Every)
        {
            var after = from > 0 ? from : SessionCheckpoint.Every;
            events = [.. events, .. await session.EventsAsync(id, after, null, moment, ct)];
        }

        if (from == 0 && events.Count == 0) return new Replay(null, 0, current.Version);
        return new Replay(SessionDecider.Fold(start, events.Select(e => e.Data)), events.Count > 0 ? events[^1].Version : from, null);
    }

    /// <summary>A session's last checkpoint at or before a moment: a compiled query, which Marten translates once.</summary>
    public sealed class LastCheckpointAt : ICompiledQuery<SessionCheckpoint, SessionCheckpoint?>
    {
        public Guid SessionId { get; set; }
        public DateTimeOffset At { get; set; }

        public Expression<Func<IMartenQueryable<SessionCheckpoint>, SessionCheckpoint?>> QueryIs() =>
            checkpoints => checkpoints.Where(c => c.SessionId == SessionId && c.At <= At).OrderByDescending(c => c.Version).FirstOrDefault();
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
