using System.ComponentModel.DataAnnotations;
using EventApi.Api.Infrastructure;
using Marten;

namespace EventApi.Api.Features.Achievements;

/// <summary>A player's achievements.</summary>
public sealed record AchievementsResponse
{
    /// <example>alice</example>
    public required string Player { get; init; }

    /// <summary>One per milestone tile the player has reached, the smallest tile first. Empty when none (or none yet:
    /// achievements are recorded shortly after the event).</summary>
    public required IReadOnlyList<Achievement> Achievements { get; init; }
}

public static class GetAchievementsEndpoint
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/players/{player}/achievements", Handle)
            .WithName("getPlayerAchievements")
            .WithSummary("Get a player's achievements")
            .WithDescription("The first time the player reached each milestone tile (512, 1024, 2048, ...): which session, at which stream version and when. Recorded by the side-effects dispatcher once per player and tile, however often the event is delivered; shortly after the event, so a just-reached milestone may not be listed yet.")
            .Produces<AchievementsResponse>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <param name="player">The player.</param>
    /// <param name="session">Marten.</param>
    /// <param name="ct">The request's cancellation.</param>
    public static async Task<IResult> Handle([Length(1, InputRules.MaxPlayerLength)] string player, IQuerySession session, CancellationToken ct)
    {
        var achievements = await session.Query<Achievement>().Where(a => a.Player == player).OrderBy(a => a.Tile).ToListAsync(ct);
        return TypedResults.Ok(new AchievementsResponse { Player = player, Achievements = achievements });
    }
}
