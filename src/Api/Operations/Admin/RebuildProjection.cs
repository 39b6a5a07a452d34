using EventApi.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventApi.Api.Operations;

/// <summary>A finished rebuild.</summary>
public sealed record RebuildResponse
{
    /// <example>statistics</example>
    public required string Projection { get; init; }

    /// <summary>The shards rebuilt.</summary>
    /// <example>["statistics:All"]</example>
    public required IReadOnlyList<string> Shards { get; init; }

    /// <example>2026-11-22T12:30:00+00:00</example>
    public required DateTimeOffset StartedAt { get; init; }

    /// <example>2026-11-22T12:30:02.5+00:00</example>
    public required DateTimeOffset FinishedAt { get; init; }

    /// <summary>FinishedAt minus StartedAt, in seconds.</summary>
    /// <example>2.5</example>
    public required double DurationSeconds { get; init; }

    /// <summary>The high-water mark the rebuild replayed the events up to (0 when the store has no events). The
    /// shard then carries on from there as usual.</summary>
    /// <example>1204</example>
    public required long RebuiltTo { get; init; }

    /// <summary>The events the rebuild fed the projection: those up to <see cref="RebuiltTo"/> of the types it
    /// declares (every event for a projection that declares none, like the statistics projections, which route events
    /// in code), archived events excepted.</summary>
    /// <example>1180</example>
    public required long EventsProcessed { get; init; }
}

public static class RebuildProjectionEndpoint
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapPost("/projections/{name}/rebuild", Handle)
            .WithName("rebuildProjection")
            .WithSummary("Rebuild an async projection")
            .WithDescription("Deletes the projection's documents and progress and replays every event into it, then restarts its shards, which carry on from there. The API keeps serving meanwhile; reads of this projection see it partly rebuilt (their freshness says how far). Answers when the rebuild has finished. A client that disconnects does not stop it. Only the node that runs the projection's shards rebuilds them (409 on the others, naming the node; GET /admin/projections shows which node runs each shard). Apply errors follow EventApi:Projections:OnApplyError: skipped into the dead-letter events, or the rebuild fails (500 rebuild-failed) and the shard pauses on the event.")
            .Produces<RebuildResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status500InternalServerError)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <param name="name">The projection's name, as <c>projection</c> in GET /admin/projections (e.g. statistics).</param>
    /// <param name="rebuilder">The rebuilds.</param>
    public static async Task<IResult> Handle(string name, ProjectionRebuilder rebuilder) => await rebuilder.RebuildAsync(name) switch
    {
        RebuildOutcome.Rebuilt rebuilt => TypedResults.Ok(rebuilt.Response),
        RebuildOutcome.NotFound notFound => NotFound(name, notFound.Known),
        RebuildOutcome.RunsElsewhere elsewhere => RunsElsewhere(name, elsewhere.Node),
        RebuildOutcome.InProgress => InProgress(name),
        RebuildOutcome.Failed failed => Failed(name, failed.Cause),
        var other => throw new InvalidOperationException($"Unknown rebuild outcome {other}."),
    };

    public static ProblemHttpResult NotFound(string name, IEnumerable<string> known) =>
        Problems.Create(StatusCodes.Status404NotFound, ProblemTypes.ProjectionNotFound, "Projection not found",
            $"There is no async projection '{(name.Length > 60 ? name[..60] : name)}'. The async projections are {string.Join(", ", known)}.");

    public static ProblemHttpResult RunsElsewhere(string name, int? node) =>
        Problems.Create(StatusCodes.Status409Conflict, ProblemTypes.ProjectionRunsElsewhere, "Projection runs elsewhere",
            node is { } other
                ? $"'{name}' runs on node {other}, not on this one. Send the request again until it reaches node {other} (GET /admin/projections says which node runs what, and which node answered)."
                : $"'{name}' is assigned to no node yet (the cluster's leader assigns it within a heartbeat or two). Send the request again.");

    public static ProblemHttpResult InProgress(string name) =>
        Problems.Create(StatusCodes.Status409Conflict, ProblemTypes.RebuildInProgress, "Rebuild in progress",
            $"'{name}' is already being rebuilt; its rebuild answers when it has finished.");

    public static ProblemHttpResult Failed(string name, string cause) =>
        Problems.Create(StatusCodes.Status500InternalServerError, ProblemTypes.RebuildFailed, "Rebuild failed",
            $"Rebuilding '{name}' failed: {cause} See GET /admin/projections for the shard's state.");
}
