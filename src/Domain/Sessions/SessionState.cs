using EventApi.Domain.Game;

namespace EventApi.Domain.Sessions;

public enum SessionStatus
{
    NotStarted,
    Active,
    Over,
    Abandoned,
}

/// <summary>A session as the fold of its events.</summary>
public sealed record SessionState
{
    public static readonly SessionState Initial = new();

    public Guid Id { get; init; }
    public string Player { get; init; } = "";
    public uint Seed { get; init; }
    public bool Sealed { get; init; }
    public string SeedCommitment { get; init; } = "";
    public string? CallbackUrl { get; init; }
    public SessionStatus Status { get; init; }
    public GameState Game { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The daily challenge this session plays, if any.</summary>
    public DateOnly? ChallengeDay { get; init; }

    /// <summary>The seed may be shown: it was given by the player, or the game has ended.</summary>
    public bool SeedIsPublic => !Sealed || Status is SessionStatus.Over or SessionStatus.Abandoned;
}
