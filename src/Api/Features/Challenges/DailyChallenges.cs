using System.Text;
using EventApi.Domain.Challenges;
using Microsoft.Extensions.Options;

namespace EventApi.Api.Features.Challenges;

/// <summary><c>EventApi:Challenges</c> in configuration.</summary>
public sealed class ChallengeOptions
{
    public const int MinSecretLength = 32;

    /// <summary>The server secret the daily seeds derive from. Keep it out of source control; changing it changes
    /// every day's seed.</summary>
    public string Secret { get; set; } = "";
}

/// <summary>Today's challenge and which day a seed plays.</summary>
public sealed class DailyChallenges(IOptions<ChallengeOptions> options, TimeProvider clock)
{
    private readonly byte[] _secret = Encoding.UTF8.GetBytes(options.Value.Secret);

    public DateOnly Today => DailyChallenge.DayOf(clock.GetUtcNow());

    public uint SeedFor(DateOnly day) => DailyChallenge.SeedFor(day, _secret);

    /// <summary>The challenge day a session started at <paramref name="at"/> with <paramref name="seed"/> plays: that
    /// UTC day when the seed is its challenge seed, otherwise none.</summary>
    public DateOnly? DayPlayedBy(uint seed, DateTimeOffset at)
    {
        var day = DailyChallenge.DayOf(at);
        return SeedFor(day) == seed ? day : null;
    }
}
