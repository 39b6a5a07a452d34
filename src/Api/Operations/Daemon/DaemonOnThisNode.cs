using JasperFx.Events.Daemon;
using Wolverine.Runtime.Agents;

namespace EventApi.Api.Operations;

public static class DaemonOnThisNode
{
    /// <summary>
    /// The daemon this node runs shards on, or null while the leader has assigned it none (on a cluster, the shards are
    /// spread over the nodes; a node may run none of them).
    /// </summary>
    public static IProjectionDaemon? RunningHere(this IProjectionCoordinator coordinator)
    {
        try
        {
            return coordinator.DaemonForMainDatabase();
        }
        catch (DaemonNotRunningOnThisNodeException)
        {
            return null;
        }
    }
}
