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
    /// <summary>The Mulberry32 seed; null for a sealed session that draws from <see cref="Secret"/>.</summary>
    public uint? Seed { get; init; }

    /// <summary>A sealed session's secret, lowercase hex; null otherwise.</summary>
    public string? Secret { get; init; }

    public bool Sealed { get; init; }
    public string SeedCommitment { get; init; } = "";
    public string? CallbackUrl { get; init; }
    public SessionStatus Status { get; init; }
    public GameState Game { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The daily challenge this session plays, if any.</summary>
    public DateOnly? ChallengeDay { get; init; }

    /// <summary>The seed or secret may be shown: the player gave the seed, or the game has ended.</summary>
    public bool SeedIsPublic => !Sealed || Status is SessionStatus.Over or SessionStatus.Abandoned;
}
