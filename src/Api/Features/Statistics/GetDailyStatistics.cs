using System.ComponentModel.DataAnnotations;
using EventApi.Api.Infrastructure;
using EventApi.Projections.Statistics;
using Marten;

namespace EventApi.Api.Features.Statistics;

public static class GetDailyStatisticsEndpoint
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/stats/daily/{day}", Handle)
            .WithName("getDailyStatistics")
            .WithSummary("Get a day's statistics")
            .WithDescription("The global figures for one UTC day (yyyy-MM-dd) of the events' own timestamps. A day without events has zeros.")
            .Produces<Fresh<GameStatistics>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static async Task<IResult> Handle([RegularExpression(Days.Pattern)] string day, IQuerySession session, CancellationToken ct)
    {
        if (!Days.TryParse(day, out _))
            return Problems.InvalidDate(day);

        var statistics = await session.LoadAsync<GameStatistics>(day, ct) ?? new GameStatistics { Id = day };
        var freshness = await FreshnessReader.ReadAsync(session.DocumentStore, StatisticsProjection.ProjectionName, ct);
        return TypedResults.Ok(new Fresh<GameStatistics>(statistics, freshness));
    }
}
