using EventApi.Api.Features.Sessions;
using EventApi.Api.Infrastructure;
using EventApi.Api.Infrastructure.Daemon;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace EventApi.Api.Features.Admin;

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
            .WithDescription("Deletes the projection's documents and progress and replays every event into it, then restarts its shards, which carry on from there. The API keeps serving meanwhile; reads of this projection see it partly rebuilt (their freshness says how far). Answers when the rebuild has finished. A client that disconnects does not stop it. Only the node that runs the projection's shards rebuilds them (409 on the others). Apply errors follow EventApi:Projections:OnApplyError: skipped into the dead-letter events, or the rebuild fails (500 rebuild-failed) and the shard pauses on the event.")
            .Produces<RebuildResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status500InternalServerError)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <param name="name">The projection's name, as <c>projection</c> in GET /admin/projections (e.g. statistics).</param>
    /// <param name="store">Marten.</param>
    /// <param name="options">Marten's configuration.</param>
    /// <param name="coordinator">The async daemon's coordinator.</param>
    /// <param name="projections">Rebuild settings.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="lifetime">The host, whose stopping token is the rebuild's (not the request's).</param>
    /// <param name="logs">The log.</param>
    public static async Task<IResult> Handle(string name, IDocumentStore store, StoreOptions options,
        IProjectionCoordinator coordinator, IOptions<ProjectionsOptions> projections, TimeProvider clock,
        IHostApplicationLifetime lifetime, ILoggerFactory logs)
    {
        var logger = logs.CreateLogger(typeof(RebuildProjectionEndpoint));
        var shards = options.Projections.AllShards().Where(s => s.Role == ShardRole.Projection && s.Name.Name == name).ToArray();
        if (shards.Length == 0)
        {
            var known = options.Projections.AllShards().Where(s => s.Role == ShardRole.Projection).Select(s => s.Name.Name).Distinct().Order(StringComparer.Ordinal);
            return NotFound(name, known);
        }

        if (!await RunsHereAsync(coordinator, name))
        {
            return RunsElsewhere(name);
        }

        // The host's stopping token, not the request's: a client that goes away must not leave a half-rebuilt projection.
        var ct = lifetime.ApplicationStopping;
        var daemon = coordinator.DaemonForMainDatabase();
        var startedAt = clock.GetUtcNow();
        Exception? failure = null;
        try
        {
            await daemon.RebuildProjectionAsync(name, projections.Value.RebuildTimeout, ct);
        }
        catch (ProjectionAlreadyRebuildingException)
        {
            return InProgress(name);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            failure = e;
        }

        // A finished rebuild leaves its stopped agents registered, and the coordinator only restarts shards that are
        // missing or paused: start them again here.
        await RestartAsync(daemon, shards.Select(s => s.Name), logger, ct);
        var finishedAt = clock.GetUtcNow();

        if (failure is not null)
        {
            logger.LogError(failure, "Rebuilding projection {Projection} failed", name);
            var cause = DaemonMonitor.RootCause(failure.ToString());
            return Failed(name, cause?.Message ?? failure.Message);
        }

        var rebuiltTo = await RebuiltToAsync(store, shards.Select(s => s.Name.Identity), ct);
        var eventsProcessed = await CountEventsAsync(store, options, shards[0].Filters.IncludedEventTypes, rebuiltTo, ct);
        logger.LogInformation("Rebuilt projection {Projection} up to sequence {Sequence} ({Events} events) in {Duration}",
            name, rebuiltTo, eventsProcessed, finishedAt - startedAt);
        return TypedResults.Ok(new RebuildResponse
        {
            Projection = name,
            Shards = shards.Select(s => s.Name.Identity).ToArray(),
            StartedAt = startedAt,
            FinishedAt = finishedAt,
            DurationSeconds = Math.Round((finishedAt - startedAt).TotalSeconds, 3),
            RebuiltTo = rebuiltTo,
            EventsProcessed = eventsProcessed,
        });
    }

    /// <summary>Whether this node holds the daemon's lock for every shard of the projection (hot/cold: one node runs
    /// each shard; rebuilding it anywhere else would race that node's agent).</summary>
    private static async Task<bool> RunsHereAsync(IProjectionCoordinator coordinator, string projection)
    {
        if (coordinator is not ProjectionCoordinatorBase { Distributor: { } distributor }) return false;
        var sets = (await distributor.BuildDistributionAsync()).Where(set => set.Names.Any(n => n.Name == projection)).ToArray();
        return sets.Length > 0 && sets.All(distributor.HasLock);
    }

    private static async Task RestartAsync(IProjectionDaemon daemon, IEnumerable<ShardName> shards, ILogger logger, CancellationToken ct)
    {
        foreach (var shard in shards)
        {
            try
            {
                await daemon.StartAgentAsync(shard, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogError(e, "Could not restart shard {Shard} after its rebuild", shard.Identity);
            }
        }
    }

    public static ProblemHttpResult NotFound(string name, IEnumerable<string> known) =>
        Problems.Create(StatusCodes.Status404NotFound, ProblemTypes.ProjectionNotFound, "Projection not found",
            $"There is no async projection '{(name.Length > 60 ? name[..60] : name)}'. The async projections are {string.Join(", ", known)}.");

    public static ProblemHttpResult RunsElsewhere(string name) =>
        Problems.Create(StatusCodes.Status409Conflict, ProblemTypes.ProjectionRunsElsewhere, "Projection runs elsewhere",
            $"This node does not hold the daemon's lock for '{name}' (another node runs it, or none has started it yet). Send the request again: it must reach the node that runs the projection.");

    public static ProblemHttpResult InProgress(string name) =>
        Problems.Create(StatusCodes.Status409Conflict, ProblemTypes.RebuildInProgress, "Rebuild in progress",
            $"'{name}' is already being rebuilt; its rebuild answers when it has finished.");

    public static ProblemHttpResult Failed(string name, string cause) =>
        Problems.Create(StatusCodes.Status500InternalServerError, ProblemTypes.RebuildFailed, "Rebuild failed",
            $"Rebuilding '{name}' failed: {cause} See GET /admin/projections for the shard's state.");

    private static async Task<long> RebuiltToAsync(IDocumentStore store, IEnumerable<string> shards, CancellationToken ct)
    {
        var progress = await store.Advanced.AllProjectionProgress(token: ct);
        return shards.Select(s => progress.FirstOrDefault(p => p.ShardName == s)?.Sequence ?? 0).DefaultIfEmpty(0).Min();
    }

    /// <summary>Events up to <paramref name="mark"/> of the given types (of every type when none are given) that are
    /// not archived: the ones the daemon's event loader feeds a projection with that filter.</summary>
    private static async Task<long> CountEventsAsync(IDocumentStore store, StoreOptions options, IReadOnlyCollection<Type> types,
        long mark, CancellationToken ct)
    {
        if (types.Count == 0) return await EventStoreTables.CountEventsAsync(store, mark, null, ct);

        // The daemon also feeds the rows stored under an earlier version's name, which the store upcasts.
        var names = ((IReadOnlyStoreOptions)options).Events.AllKnownEventTypes().Where(t => types.Contains(t.EventType)).Select(t => t.EventTypeName)
            .Concat(SessionsFeature.FirstVersionNames.Where(upcast => types.Contains(upcast.Key)).Select(upcast => upcast.Value))
            .ToArray();
        return await EventStoreTables.CountEventsAsync(store, mark, names, ct);
    }
}
