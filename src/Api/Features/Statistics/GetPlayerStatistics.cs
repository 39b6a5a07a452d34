using System.ComponentModel.DataAnnotations;
using EventApi.Api.Infrastructure;
using EventApi.Projections.Statistics;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventApi.Api.Features.Statistics;

public static class GetPlayerStatisticsEndpoint
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/players/{player}/stats", Handle)
            .WithName("getPlayerStatistics")
            .WithSummary("Get a player's statistics")
            .WithDescription("Games (sessions started and verified claims), finished games, best score, best tile and total moves of finished games. 404 until the daemon has seen the player's first game.")
            .Produces<Fresh<PlayerStatistics>>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static async Task<IResult> Handle([Length(1, InputRules.MaxPlayerLength)] string player, IQuerySession session, CancellationToken ct)
    {
        var statistics = await session.LoadAsync<PlayerStatistics>(player, ct);
        if (statistics is null)
        {
            return PlayerNotFound(player);
        }

        var freshness = await FreshnessReader.ReadAsync(session.DocumentStore, PlayerStatisticsProjection.ProjectionName, ct);
        return TypedResults.Ok(new Fresh<PlayerStatistics>(statistics, freshness));
    }

    public static ProblemHttpResult PlayerNotFound(string player) =>
        Problems.Create(StatusCodes.Status404NotFound, ProblemTypes.PlayerNotFound, "Player not found",
            $"No game of '{(player.Length > 40 ? player[..40] : player)}' has been projected yet.");
}
