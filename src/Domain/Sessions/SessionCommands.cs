using EventApi.Domain.Game;

namespace EventApi.Domain.Sessions;

public abstract record SessionCommand(DateTimeOffset At);

/// <summary>Start a session. <paramref name="Sealed"/>: the seed was drawn by the server and stays secret until the
/// game ends. <paramref name="ChallengeDay"/>: the seed is that day's challenge, started on that day.</summary>
public sealed record StartSession(Guid SessionId, string Player, uint Seed, bool Sealed, string? CallbackUrl, DateTimeOffset At,
    DateOnly? ChallengeDay = null)
    : SessionCommand(At);

/// <summary>Play moves in order, all or nothing.</summary>
public sealed record MakeMoves(IReadOnlyList<Direction> Moves, DateTimeOffset At) : SessionCommand(At);

public sealed record AbandonSession(DateTimeOffset At) : SessionCommand(At);
