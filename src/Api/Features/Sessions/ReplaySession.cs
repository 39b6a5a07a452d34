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

        // One round trip: the inline view, for the current version, and the events up to the moment, archived or not
        // (SessionStreams), folded here with the decider (SessionDecider.Fold), as the view itself is.
        var batch = session.CreateBatchQuery();
        var viewing = batch.Load<SessionView>(id);
        var events = batch.Query<IEvent>().Where(SessionStreams.EventsAfter(id, 0));
        var reading = (version is { } upTo ? events.Where(e => e.Version <= upTo) : events.Where(e => e.Timestamp <= at!.Value.ToUniversalTime()))
            .OrderBy(e => e.Version)
            .ToList();
        await batch.Execute(ct);

        var current = await viewing;
        if (current is null) return Problems.SessionNotFound(id);

        if (version is { } v && (v < 1 || v > current.Version))
        {
            return VersionOutOfRange(id, current.Version, v);
        }

        var history = await reading;
        if (history.Count == 0)
        {
            return Problems.Create(StatusCodes.Status422UnprocessableEntity, ProblemTypes.VersionOutOfRange,
                "Before the session started", $"Session {id} had not started at {at:O}.",
                new Dictionary<string, object?> { ["currentVersion"] = current.Version });
        }

        return TypedResults.Ok(SessionResponse.From(history[^1].Version, SessionDecider.Fold(history.Select(e => e.Data))));
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
