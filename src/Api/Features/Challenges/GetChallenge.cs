using System.ComponentModel.DataAnnotations;
using EventApi.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventApi.Api.Features.Challenges;

/// <summary>A day's challenge.</summary>
public sealed record ChallengeResponse
{
    /// <summary>The UTC day.</summary>
    /// <example>2026-11-22</example>
    public required string Day { get; init; }

    /// <summary>The day's seed: start a session with it on that day to enter the day's leaderboard.</summary>
    /// <example>2840197351</example>
    public required long Seed { get; init; }
}

public static class GetChallengeEndpoint
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/challenges/{day}", Handle)
            .WithName("getChallenge")
            .WithSummary("Get a day's challenge")
            .WithDescription("The public seed of a UTC day's challenge, the same for everyone. A session started with it on that day, or a verified claim submitted with it on that day, counts for that day's leaderboard. A day's seed is not given out before the day starts (UTC).")
            .Produces<ChallengeResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

    public static IResult Handle([RegularExpression(Days.Pattern)] string day, DailyChallenges challenges)
    {
        if (!Days.TryParse(day, out var date))
            return Problems.InvalidDate(day);
        if (date > challenges.Today)
        {
            return NotAvailable(day, challenges.Today);
        }

        return TypedResults.Ok(new ChallengeResponse { Day = day, Seed = challenges.SeedFor(date) });
    }

    public static ProblemHttpResult NotAvailable(string day, DateOnly today) =>
        Problems.Create(StatusCodes.Status404NotFound, ProblemTypes.ChallengeNotAvailable, "Challenge not available",
            $"The challenge of {day} is not public before that day starts (UTC); today is {today:yyyy-MM-dd}.");
}
