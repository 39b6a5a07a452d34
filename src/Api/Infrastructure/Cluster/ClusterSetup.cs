using Wolverine;

namespace EventApi.Api.Infrastructure.Cluster;

/// <summary>
/// Several API processes on one database: Wolverine's node agents elect a leader, which spreads the async daemon's shards
/// evenly over the live nodes (<see cref="MartenSetup"/> hands the daemon to them) and moves a gone node's shards and
/// its messages to the others. Every node writes a heartbeat each <see cref="ClusterOptions.HeartbeatInterval"/>; a
/// node whose heartbeat is older than <see cref="ClusterOptions.NodeTimeout"/> is gone.
/// </summary>
public static class ClusterSetup
{
    public static IServiceCollection AddCluster(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClusterOptions>().Bind(configuration.GetSection(ClusterOptions.Section));
        services.AddSingleton<ClusterMembership>();
        return services;
    }

    /// <summary>Wolverine's heartbeats and its look at the other nodes, from <c>EventApi:Cluster</c> (checked here: Wolverine
    /// takes them while the host is built).</summary>
    public static WolverineOptions ConfigureCluster(this WolverineOptions options, IConfiguration configuration)
    {
        var settings = configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>() ?? new ClusterOptions();
        if (settings.HeartbeatInterval <= TimeSpan.Zero || settings.HeartbeatInterval > TimeSpan.FromMinutes(1))
            throw new InvalidOperationException($"{ClusterOptions.Section}:HeartbeatInterval must be positive and at most a minute.");
        if (settings.NodeTimeout < 2 * settings.HeartbeatInterval)
            throw new InvalidOperationException(
                $"{ClusterOptions.Section}:NodeTimeout must be at least twice HeartbeatInterval ({2 * settings.HeartbeatInterval}).");

        options.Durability.HealthCheckPollingTime = settings.HeartbeatInterval;
        // A node's first heartbeat and its first look at the cluster (taking the lead, if nobody has it, and assigning the
        // shards) come at once, not 3 s after the start.
        options.Durability.FirstHealthCheckExecution = TimeSpan.Zero;
        options.Durability.StaleNodeTimeout = settings.NodeTimeout;
        // An assignment no node confirmed is tried again after twice this (Wolverine's default 30 s, so a minute). That
        // happens when a node is killed and a new one starts (and leads) before the dead one's heartbeat is stale: the new
        // leader gives the dead node its share, then moves it back once that node is gone, and the move waits for a
        // confirmation the dead node never sends. Half the node timeout bounds that wait at the node timeout.
        options.Durability.CheckAssignmentPeriod = settings.NodeTimeout / 2;
        return options;
    }
}
