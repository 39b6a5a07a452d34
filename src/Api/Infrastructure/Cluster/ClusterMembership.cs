using Marten;
using Microsoft.Extensions.Options;
using Wolverine.Runtime;
using Wolverine.Runtime.Agents;

namespace EventApi.Api.Infrastructure.Cluster;

/// <summary>An API process of the cluster, as Wolverine's node table records it.</summary>
public sealed record ClusterNode
{
    /// <summary>The node's number, unique in the cluster while it lives (a restarted process gets a new one).</summary>
    /// <example>2</example>
    public required int Number { get; init; }

    /// <summary>Whether the node leads the cluster: it assigns the shards to the nodes.</summary>
    /// <example>true</example>
    public required bool Leader { get; init; }

    /// <summary>Whether its last heartbeat is younger than <c>EventApi:Cluster:NodeTimeout</c>. A node that is not alive
    /// loses its shards to the others at the leader's next look, then leaves this list.</summary>
    /// <example>true</example>
    public required bool Alive { get; init; }

    /// <example>2026-11-22T12:00:00+00:00</example>
    public required DateTimeOffset Started { get; init; }

    /// <example>2026-11-22T12:30:00+00:00</example>
    public required DateTimeOffset LastHeartbeat { get; init; }

    /// <summary>The async shards assigned to it, by name.</summary>
    /// <example>["side-effects:All", "statistics:All"]</example>
    public required IReadOnlyList<string> Shards { get; init; }
}

/// <summary>
/// The nodes of the cluster and the shards each runs, read from Wolverine's node and assignment tables (one read of
/// its storage), with each shard's agent named as Wolverine names it (<see cref="IEventSubscriptionAgentFamily"/>).
/// </summary>
public sealed class ClusterMembership(
    IWolverineRuntime runtime,
    IEventSubscriptionAgentFamily agents,
    StoreOptions store,
    IOptions<ClusterOptions> options,
    TimeProvider clock)
{
    private Dictionary<Uri, string>? _shardsByAgent;

    /// <summary>This process's node number.</summary>
    public int ThisNode => runtime.Options.Durability.AssignedNodeNumber;

    public async Task<IReadOnlyList<ClusterNode>> ReadAsync(CancellationToken ct)
    {
        var shards = _shardsByAgent ??= await ShardsByAgentAsync(ct);
        var nodes = await runtime.Storage.Nodes.LoadAllNodesAsync(ct);
        var aliveSince = clock.GetUtcNow() - options.Value.NodeTimeout;
        return nodes.OrderBy(n => n.AssignedNodeNumber).Select(node => new ClusterNode
        {
            Number = node.AssignedNodeNumber,
            Leader = node.IsLeader(),
            Alive = node.LastHealthCheck >= aliveSince,
            Started = node.Started,
            LastHeartbeat = node.LastHealthCheck,
            Shards = node.ActiveAgents.Select(a => shards.GetValueOrDefault(a)).OfType<string>().Order(StringComparer.Ordinal).ToArray(),
        }).ToArray();
    }

    /// <summary>The node each shard is assigned to, by shard name; a shard assigned to none is not in it.</summary>
    public static Dictionary<string, int> Owners(IEnumerable<ClusterNode> nodes) => nodes
        .SelectMany(n => n.Shards.Select(shard => (Shard: shard, n.Number)))
        .GroupBy(o => o.Shard, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First().Number, StringComparer.Ordinal);

    private async Task<Dictionary<Uri, string>> ShardsByAgentAsync(CancellationToken ct)
    {
        var map = new Dictionary<Uri, string>();
        foreach (var shard in store.Projections.AllShards())
        {
            if (await agents.FindAgentUriAsync(shard.Name.Identity, null, ct) is { } uri) map[uri] = shard.Name.Identity;
        }

        return map;
    }
}
