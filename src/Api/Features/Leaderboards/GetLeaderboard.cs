using System.ComponentModel.DataAnnotations;
using EventApi.Api.Infrastructure;
using Marten;

namespace EventApi.Api.Features.Leaderboards;

public static class GetLeaderboardEndpoint
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/leaderboard", Handle)
            .WithName("getLeaderboard")
            .WithSummary("Get the leaderboard")
            .WithDescription("The top finished games by score, ties broken by fewer moves then the earlier finish. Only server-authoritative results: sessions played through the API (over or abandoned) and claims the server verified. limit is 1 to 100 (10 by default).")
            .Produces<Fresh<LeaderboardEntry[]>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static Task<IResult> Handle(IQuerySession session, [Range(1, Leaderboard.MaxLimit)] int? limit, CancellationToken ct) =>
        Leaderboard.TopAsync(session, limit, null, ct);
}

public static class GetDailyLeaderboardEndpoint
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/leaderboard/daily/{day}", Handle)
            .WithName("getDailyLeaderboard")
            .WithSummary("Get a daily challenge's leaderboard")
            .WithDescription("The top finished games of the day's challenge (yyyy-MM-dd): sessions started on that day with its seed, and claims with its seed verified on that day. Same order and limit as the leaderboard.")
            .Produces<Fresh<LeaderboardEntry[]>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static Task<IResult> Handle([RegularExpression(Days.Pattern)] string day, IQuerySession session, [Range(1, Leaderboard.MaxLimit)] int? limit, CancellationToken ct) =>
        Days.TryParse(day, out var date)
            ? Leaderboard.TopAsync(session, limit, date, ct)
            : Task.FromResult<IResult>(Problems.InvalidDate(day));
}
