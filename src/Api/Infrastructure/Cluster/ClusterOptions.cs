namespace EventApi.Api.Infrastructure.Cluster;

/// <summary>
/// <c>EventApi:Cluster</c>: how the API processes that share one database find each other and split the async shards
/// (docs/operations.md, "Several nodes").
/// </summary>
public sealed class ClusterOptions
{
    public const string Section = "EventApi:Cluster";

    /// <summary>How often each node writes its heartbeat, and how often it looks at the others' (the leader then
    /// assigns the shards of a node that has stopped or gone quiet). Default 500 ms: a stopped node's shards run elsewhere
    /// within about that.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How old a node's last heartbeat may get before the others count it gone and take over its shards and
    /// its side effects. At least twice <see cref="HeartbeatInterval"/>. Default 3 s: a node killed outright is replaced
    /// within this plus one interval.</summary>
    public TimeSpan NodeTimeout { get; set; } = TimeSpan.FromSeconds(3);
}
