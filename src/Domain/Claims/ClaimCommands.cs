using EventApi.Domain.Game;

namespace EventApi.Domain.Claims;

/// <summary>Submit a game played offline. <paramref name="ChallengeDay"/>: the seed is the challenge of the day the
/// claim is submitted on.</summary>
public sealed record SubmitClaim(
    Guid ClaimId,
    string Player,
    uint Seed,
    IReadOnlyList<Direction> Moves,
    int ClaimedScore,
    DateOnly? ChallengeDay,
    DateTimeOffset At);
