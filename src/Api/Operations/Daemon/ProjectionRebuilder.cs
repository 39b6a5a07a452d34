using EventApi.Api.Features.Sessions;
using EventApi.Api.Infrastructure;
using EventApi.Api.Infrastructure.Cluster;
using EventApi.Api.Infrastructure.Daemon;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using IProjectionCoordinator = Marten.Events.Daemon.Coordination.IProjectionCoordinator;
using Microsoft.Extensions.Options;

namespace EventApi.Api.Operations;

/// <summary>What became of a rebuild.</summary>
public abstract record RebuildOutcome
{
    public sealed record Rebuilt(RebuildResponse Response) : RebuildOutcome;

    /// <summary>No async projection has that name; <paramref name="Known"/> are those that exist.</summary>
    public sealed record NotFound(IReadOnlyList<string> Known) : RebuildOutcome;

    /// <summary>The projection's shards are assigned to another node (<paramref name="Node"/>), or to none yet (null).</summary>
    public sealed record RunsElsewhere(int? Node) : RebuildOutcome;

    public sealed record InProgress : RebuildOutcome;

    /// <summary>The replay met an event that makes the projection throw (with OnApplyError=pause).</summary>
    public sealed record Failed(string Cause) : RebuildOutcome;
}

/// <summary>
/// Rebuilds an async projection while the API keeps serving: stops its shards, deletes its documents and progress,
/// replays every event up to the high-water mark, and starts the shards again. Only on the node the projection's shards
/// are assigned to (rebuilding anywhere else would race that node's agents). The host's stopping token
/// bounds it, not a request's: a client that goes away must not leave a half-rebuilt projection.
/// </summary>
public sealed class ProjectionRebuilder(IDocumentStore store, StoreOptions options, IProjectionCoordinator coordinator,
    ClusterMembership cluster, IOptions<ProjectionsOptions> projections, TimeProvider clock, IHostApplicationLifetime lifetime, ILogger<ProjectionRebuilder> logger)
{
    public async Task<RebuildOutcome> RebuildAsync(string name)
    {
        var shards = ProjectionShards().Where(s => s.Name.Name == name).ToArray();
        if (shards.Length == 0)
            return new RebuildOutcome.NotFound([.. ProjectionShards().Select(s => s.Name.Name).Distinct().Order(StringComparer.Ordinal)]);
        var ct = lifetime.ApplicationStopping;
        var owners = await OwnersAsync(shards, ct);
        if (owners.Any(owner => owner != cluster.ThisNode) || coordinator.RunningHere() is not { } daemon)
            return new RebuildOutcome.RunsElsewhere(owners.FirstOrDefault(owner => owner != cluster.ThisNode));

        var startedAt = clock.GetUtcNow();
        Exception? failure = null;
        try
        {
            await daemon.RebuildProjectionAsync(name, projections.Value.RebuildTimeout, ct);
        }
        catch (ProjectionAlreadyRebuildingException)
        {
            return new RebuildOutcome.InProgress();
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            failure = e;
        }

        // A finished rebuild leaves its stopped agents registered, and the coordinator only restarts shards that are
        // missing or paused: start them again here.
        await RestartAsync(daemon, shards.Select(s => s.Name), ct);
        var finishedAt = clock.GetUtcNow();

        if (failure is not null)
        {
            logger.LogError(failure, "Rebuilding projection {Projection} failed", name);
            return new RebuildOutcome.Failed(DaemonMonitor.RootCause(failure.ToString())?.Message ?? failure.Message);
        }

        var rebuiltTo = await RebuiltToAsync(shards.Select(s => s.Name.Identity), ct);
        var eventsProcessed = await CountEventsAsync(shards[0].Filters.IncludedEventTypes, rebuiltTo, ct);
        logger.LogInformation("Rebuilt projection {Projection} up to sequence {Sequence} ({Events} events) in {Duration}",
            name, rebuiltTo, eventsProcessed, finishedAt - startedAt);
        return new RebuildOutcome.Rebuilt(new RebuildResponse
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

    private IEnumerable<AsyncShard<IDocumentOperations, IQuerySession>> ProjectionShards() =>
        options.Projections.AllShards().Where(s => s.Role == ShardRole.Projection);

    /// <summary>The node each of the shards is assigned to, null for one assigned to none.</summary>
    private async Task<int?[]> OwnersAsync(IEnumerable<AsyncShard<IDocumentOperations, IQuerySession>> shards, CancellationToken ct)
    {
        var owners = ClusterMembership.Owners(await cluster.ReadAsync(ct));
        return shards.Select(s => owners.TryGetValue(s.Name.Identity, out var node) ? node : (int?)null).ToArray();
    }

    private async Task RestartAsync(IProjectionDaemon daemon, IEnumerable<ShardName> shards, CancellationToken ct)
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

    private async Task<long> RebuiltToAsync(IEnumerable<string> shards, CancellationToken ct)
    {
        var progress = await store.Advanced.AllProjectionProgress(token: ct);
        return shards.Select(s => progress.FirstOrDefault(p => p.ShardName == s)?.Sequence ?? 0).DefaultIfEmpty(0).Min();
    }

    /// <summary>Events up to <paramref name="mark"/> of the given types (of every type when none are given) that are
    /// not archived: the ones the daemon's event loader feeds a projection with that filter.</summary>
    private async Task<long> CountEventsAsync(IReadOnlyCollection<Type> types, long mark, CancellationToken ct)
    {
        if (types.Count == 0) return await EventStoreTables.CountEventsAsync(store, mark, null, ct);

        // The daemon also feeds the rows stored under an earlier version's name, which the store upcasts.
        var names = ((IReadOnlyStoreOptions)options).Events.AllKnownEventTypes().Where(t => types.Contains(t.EventType)).Select(t => t.EventTypeName)
            .Concat(SessionsFeature.FirstVersionNames.Where(upcast => types.Contains(upcast.Key)).Select(upcast => upcast.Value))
            .ToArray();
        return await EventStoreTables.CountEventsAsync(store, mark, names, ct);
    }
}
