using EventApi.Api.Infrastructure;
using EventApi.Projections.Statistics;
using Marten;

namespace EventApi.Api.Features.Statistics;

public static class GetStatisticsEndpoint
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/stats", Handle)
            .WithName("getStatistics")
            .WithSummary("Get the global statistics")
            .WithDescription("Sessions started, over and abandoned; moves in total and by direction; the histogram of the highest tile per finished game; average and best final score; claims verified and rejected. Built by the async daemon: freshness says which event sequence it has reached and the store's high-water mark.")
            .Produces<Fresh<GameStatistics>>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static async Task<IResult> Handle(IQuerySession session, CancellationToken ct)
    {
        var statistics = await session.LoadAsync<GameStatistics>(GameStatistics.GlobalId, ct) ?? new GameStatistics();
        var freshness = await FreshnessReader.ReadAsync(session.DocumentStore, StatisticsProjection.ProjectionName, ct);
        return TypedResults.Ok(new Fresh<GameStatistics>(statistics, freshness));
    }
}
