using EventApi.Api.Infrastructure;
using EventApi.Api.Infrastructure.Daemon;

namespace EventApi.Api.Operations;

public static class GetProjectionsEndpoint
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/projections", Handle)
            .WithName("getProjections")
            .WithSummary("Get the async daemon's shards")
            .WithDescription("Every async projection and subscription shard: its sequence, the store's high-water mark, how far behind it is in events (high-water mark minus sequence) and in seconds (how long the oldest event it has not processed yet has been waiting; 0 when caught up), whether it is running, paused or stopped (with the error), and how many events it skipped into the dead-letter events. Inline projections (the session view) are not listed: they are written in the append's own transaction and are never behind. Status is this node's when it runs the shard; otherwise the one the node running it recorded.")
            .Produces<DaemonReport>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static async Task<IResult> Handle(DaemonMonitor monitor, CancellationToken ct) =>
        TypedResults.Ok(await monitor.ReadAsync(full: true, ct));
}
