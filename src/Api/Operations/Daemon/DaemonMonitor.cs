using System.Text.Json;
using EventApi.Api.Infrastructure;
using EventApi.Api.Infrastructure.Cluster;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using IProjectionCoordinator = Marten.Events.Daemon.Coordination.IProjectionCoordinator;

namespace EventApi.Api.Operations;

/// <summary>What a shard's agent is doing.</summary>
public enum ShardStatus
{
    Running,
    Paused,
    Stopped,
}

/// <summary>Why a shard paused or stopped.</summary>
public sealed record ShardError
{
    /// <summary>applyEvent, eventSerialization, unknownEventType, progressionOutOfOrder or other.</summary>
    /// <example>applyEvent</example>
    public required string Category { get; init; }

    /// <summary>The root exception's type.</summary>
    /// <example>System.IO.InvalidDataException</example>
    public required string Type { get; init; }

    /// <summary>The root exception's message.</summary>
    /// <example>A finished game's highest tile must be a power of two from 2, not 3.</example>
    public required string Message { get; init; }

    /// <summary>The sequence of the event that failed, when one event is to blame.</summary>
    /// <example>1201</example>
    public long? EventSequence { get; init; }

    /// <summary>The type of the event that failed, when one event is to blame.</summary>
    /// <example>game_over</example>
    public string? EventType { get; init; }

    /// <example>2026-11-22T12:30:00+00:00</example>
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>One async shard (a projection's or a subscription's) and how far it has got.</summary>
public sealed record ShardProgress
{
    /// <summary>The shard's identity, as in Marten's progression table.</summary>
    /// <example>statistics:All</example>
    public required string Name { get; init; }

    /// <summary>The projection (or subscription) the shard belongs to; the name a rebuild takes.</summary>
    /// <example>statistics</example>
    public required string Projection { get; init; }

    /// <summary>The last event sequence the shard has processed (0 before it has processed any).</summary>
    /// <example>1200</example>
    public required long Sequence { get; init; }

    /// <summary>The store's high-water mark: the highest sequence every event up to which is committed.</summary>
    /// <example>1204</example>
    public required long HighWaterMark { get; init; }

    /// <summary>Events the shard still has to process: the high-water mark minus its sequence, never negative.</summary>
    /// <example>4</example>
    public required long LagEvents { get; init; }

    /// <summary>How long the oldest event the shard has not processed yet has been waiting (PostgreSQL's clock minus
    /// the event's timestamp), in seconds; 0 when the shard has reached the high-water mark.</summary>
    /// <example>0.35</example>
    public required double LagSeconds { get; init; }

    /// <summary>running, paused (an error; the daemon retries it from time to time) or stopped.</summary>
    /// <example>running</example>
    public required ShardStatus Status { get; init; }

    /// <summary>Whether this node runs the shard. Otherwise the status is the one the node that runs it recorded.</summary>
    /// <example>true</example>
    public required bool RunningHere { get; init; }

    /// <summary>The number of the node the shard is assigned to (see <c>nodes</c>); null while it is assigned to none, as
    /// for the moment between a node's loss and the leader's next look.</summary>
    /// <example>2</example>
    public required int? Node { get; init; }

    /// <summary>Events this shard skipped into Marten's dead-letter events (the <c>skip</c> error policy). An event that
    /// failed for several of the projection's documents has a dead letter for each and counts once.</summary>
    /// <example>0</example>
    public required long DeadLetters { get; init; }

    /// <summary>Why the shard is paused or stopped; null while it runs.</summary>
    public ShardError? Error { get; init; }
}

/// <summary>Every async shard of the store, with the high-water mark they are measured against.</summary>
public sealed record DaemonReport
{
    /// <summary>The store's high-water mark.</summary>
    /// <example>1204</example>
    public required long HighWaterMark { get; init; }

    /// <summary>One entry per async shard, by name. Inline projections have no shard: they are written in the
    /// append's own transaction and are never behind.</summary>
    public required IReadOnlyList<ShardProgress> Shards { get; init; }

    /// <summary>The number of the node that answered.</summary>
    /// <example>2</example>
    public required int ThisNode { get; init; }

    /// <summary>The API processes on this database, the shards each runs and which leads: the leader spreads the shards
    /// evenly over the live nodes and moves those of a node that stops or goes quiet.</summary>
    public required IReadOnlyList<ClusterNode> Nodes { get; init; }
}

/// <summary>
/// Reads the state of the async daemon's shards in at most three queries: the progression table (one row per shard),
/// the timestamp of each lagging shard's next event (an index seek per shard), and, when asked, the dead-letter counts
/// (the distinct events of the dead-letter documents, which only skipped events add to). Status comes from this node's
/// agent when it runs the shard; otherwise from what the node that runs it recorded in the progression table
/// (Marten's extended progression tracking, which <see cref="MartenSetup"/> turns on).
/// </summary>
public sealed class DaemonMonitor(IDocumentStore store, StoreOptions options, IProjectionCoordinator coordinator, ClusterMembership cluster)
{
    /// <param name="full">With the dead-letter counts and the nodes (GET /admin/projections); readiness needs neither.</param>
    /// <param name="ct">The request's cancellation.</param>
    public async Task<DaemonReport> ReadAsync(bool full, CancellationToken ct)
    {
        var progress = (await store.Advanced.AllProjectionProgress(token: ct)).ToDictionary(p => p.ShardName, StringComparer.Ordinal);
        var highWaterMark = progress.GetValueOrDefault(ShardState.HighWaterMark)?.Sequence ?? 0;
        var agents = (coordinator.RunningHere()?.CurrentAgents() ?? []).ToDictionary(a => a.Name.Identity, StringComparer.Ordinal);
        var shards = options.Projections.AllShards().Select(s => s.Name).OrderBy(n => n.Identity, StringComparer.Ordinal).ToArray();

        var sequences = shards.ToDictionary(s => s.Identity, s => progress.GetValueOrDefault(s.Identity)?.Sequence ?? 0, StringComparer.Ordinal);
        var lagSeconds = await LagSecondsAsync(sequences.Values.Where(s => s < highWaterMark).Distinct().ToArray(), highWaterMark, ct);
        var deadLetters = full ? await DeadLettersAsync(ct) : new Dictionary<(string, string), long>();
        var nodes = full ? await cluster.ReadAsync(ct) : [];
        var owners = ClusterMembership.Owners(nodes);

        return new DaemonReport
        {
            HighWaterMark = highWaterMark,
            Shards = shards.Select(shard =>
            {
                var sequence = sequences[shard.Identity];
                var (status, error, here) = StatusOf(agents.GetValueOrDefault(shard.Identity), progress.GetValueOrDefault(shard.Identity));
                return new ShardProgress
                {
                    Name = shard.Identity,
                    Projection = shard.Name,
                    Sequence = sequence,
                    HighWaterMark = highWaterMark,
                    LagEvents = Math.Max(0, highWaterMark - sequence),
                    LagSeconds = lagSeconds.GetValueOrDefault(sequence),
                    Status = status,
                    RunningHere = here,
                    Node = owners.TryGetValue(shard.Identity, out var node) ? node : here ? cluster.ThisNode : null,
                    DeadLetters = deadLetters.GetValueOrDefault((shard.Name, shard.ShardKey)),
                    Error = error,
                };
            }).ToArray(),
            ThisNode = cluster.ThisNode,
            Nodes = nodes,
        };
    }

    /// <summary>This node's agent when it has one; else the status the running node recorded; else stopped.</summary>
    private static (ShardStatus Status, ShardError? Error, bool Here) StatusOf(ISubscriptionAgent? agent, ShardState? recorded)
    {
        if (agent is not null)
        {
            var status = agent.Status switch
            {
                JasperFx.AgentStatus.Running => ShardStatus.Running,
                JasperFx.AgentStatus.Paused => ShardStatus.Paused,
                _ => ShardStatus.Stopped,
            };
            return (status, status == ShardStatus.Running ? null : ErrorOf(agent.Failure), true);
        }

        if (recorded?.AgentStatus is { } text && Enum.TryParse<ShardStatus>(text, ignoreCase: true, out var persisted))
            return (persisted, persisted == ShardStatus.Running ? null : ErrorOf(recorded.Failure), false);

        return (ShardStatus.Stopped, null, false);
    }

    private static ShardError? ErrorOf(ShardFailure? failure)
    {
        if (failure is null) return null;
        var (type, message) = RootCause(failure.Detail) ?? (failure.RootExceptionType, failure.Message);
        return new ShardError
        {
            Category = JsonNamingPolicy.CamelCase.ConvertName(failure.Category.ToString()),
            Type = type,
            Message = message,
            // Marten reports -1 when it cannot tell which row failed (an event type it does not know).
            EventSequence = failure.Event?.Sequence is >= 0 and var sequence ? sequence : null,
            EventType = failure.Event?.EventTypeName,
            OccurredAt = failure.OccurredAt,
        };
    }

    /// <summary>
    /// The innermost exception's type and message from an exception's <c>ToString()</c> ("Type: message", then one
    /// " ---> Type: message" line per inner exception). The daemon wraps the projection's exception, and only the
    /// text survives in the progression table, so this works the same for local and recorded failures.
    /// </summary>
    internal static (string Type, string Message)? RootCause(string detail)
    {
        var lines = detail.Split('\n');
        var root = lines[0];
        foreach (var line in lines)
        {
            var trimmed = line.TrimStart();
            if (trimmed.StartsWith("---> ", StringComparison.Ordinal)) root = trimmed[5..];
        }

        var colon = root.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 ? (root[..colon].Trim(), root[(colon + 2)..].TrimEnd('\r').Trim()) : null;
    }

    /// <summary>For each lagging sequence, the age of the next event after it (up to the high-water mark).</summary>
    private Task<Dictionary<long, double>> LagSecondsAsync(long[] behind, long highWaterMark, CancellationToken ct) =>
        EventStoreTables.AgeOfNextEventAsync(store, behind, highWaterMark, ct);

    /// <summary>
    /// The events each shard skipped. Marten writes a dead letter for every document an event fails to update, so one
    /// event can have several (a statistics event updates the global and its day's document): count events, not rows.
    /// </summary>
    private async Task<Dictionary<(string Projection, string ShardKey), long>> DeadLettersAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var skipped = await session.Query<DeadLetterEvent>()
            .Select(d => new SkippedEvent(d.ProjectionName, d.ShardName, d.EventSequence))
            .Distinct()
            .ToListAsync(ct);
        return skipped.GroupBy(s => (s.Projection, s.ShardKey)).ToDictionary(g => g.Key, g => (long)g.Count());
    }

    private sealed record SkippedEvent(string Projection, string ShardKey, long Sequence);
}
