using EventApi.Domain.Game;

namespace EventApi.Domain.Sessions;

public abstract record SessionCommand(DateTimeOffset At);

/// <summary>Start a session: an open one on a public <paramref name="Seed"/>, or a sealed one on a
/// <paramref name="Secret"/> of <see cref="GameRandom.SecretBytes"/> random bytes that the server drew and keeps until
/// the game ends. Exactly one of the two is given. <paramref name="ChallengeDay"/>: the seed is that day's challenge,
/// started on that day.</summary>
public sealed record StartSession(Guid SessionId, string Player, uint? Seed, byte[]? Secret, string? CallbackUrl, DateTimeOffset At,
    DateOnly? ChallengeDay = null)
    : SessionCommand(At)
{
    public static StartSession Open(Guid sessionId, string player, uint seed, string? callbackUrl, DateTimeOffset at,
        DateOnly? challengeDay = null) =>
        new(sessionId, player, seed, null, callbackUrl, at, challengeDay);

    public static StartSession Sealed(Guid sessionId, string player, byte[] secret, string? callbackUrl, DateTimeOffset at) =>
        new(sessionId, player, null, secret, callbackUrl, at);
}

/// <summary>Play moves in order, all or nothing.</summary>
public sealed record MakeMoves(IReadOnlyList<Direction> Moves, DateTimeOffset At) : SessionCommand(At);

public sealed record AbandonSession(DateTimeOffset At) : SessionCommand(At);
