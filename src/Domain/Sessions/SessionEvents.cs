using EventApi.Domain.Game;

namespace EventApi.Domain.Sessions;

// Past-tense facts. Each carries what a fold needs, so state is rebuilt from events alone and no reader of the
// stream ever needs the generator. Times come from the command that caused them: the domain has no clock.
//
// SessionStarted, GameOver and SessionAbandoned are at their second version: a sealed game draws from a 256-bit
// secret instead of a 32-bit seed. The store upcasts the first version's events (SessionEventsV1.cs).

/// <summary>A session began: who plays, what it draws from, the commitment to that, the two tiles a new game spawns,
/// and the daily challenge it plays when its seed is that day's.</summary>
/// <param name="SessionId">The stream id.</param>
/// <param name="Player">Who plays.</param>
/// <param name="Seed">The Mulberry32 seed of an open session, or of a session sealed before secrets existed; null for
/// a sealed session that draws from <paramref name="Secret"/>.</param>
/// <param name="Secret">A sealed session's 256-bit secret, lowercase hex; null otherwise. Never shown while the session
/// is active.</param>
/// <param name="Sealed">The server chose what the game draws from and keeps it secret until the game ends.</param>
/// <param name="SeedCommitment">SHA-256 of <c>"{id}:{seed or secret}"</c>, shown from the start.</param>
/// <param name="CallbackUrl">Where the session's webhooks go: the owner's, never in a public response.</param>
/// <param name="Spawned">The two tiles the new game spawned, in the order they were drawn.</param>
/// <param name="StartedAt">When the command that started it was received.</param>
/// <param name="ChallengeDay">The daily challenge it plays, if its seed is that day's and it started on that day.</param>
public sealed record SessionStarted(
    Guid SessionId,
    string Player,
    uint? Seed,
    string? Secret,
    bool Sealed,
    string SeedCommitment,
    string? CallbackUrl,
    Tile[] Spawned,
    DateTimeOffset StartedAt,
    DateOnly? ChallengeDay = null);

/// <summary>One move that moved something: the tiles it merged (at their destinations), the score they gained, and
/// the tile that spawned after it.</summary>
public sealed record TilesMoved(
    Direction Direction,
    Tile[] Merged,
    int ScoreGained,
    Tile Spawned,
    DateTimeOffset At);

/// <summary>The session made a tile of at least 512 larger than any it had before (512, 1024, 2048, ...).</summary>
public sealed record MilestoneReached(int Tile, int Score, int MoveCount, DateTimeOffset At);

/// <summary>No move is left: the game's result. What the game drew from is revealed: its seed, or its secret.</summary>
public sealed record GameOver(string Player, int FinalScore, int MaxTile, int MoveCount, uint? Seed, string? Secret, DateTimeOffset At);

/// <summary>The player ended the session: the game's result. What the game drew from is revealed: its seed, or its secret.</summary>
public sealed record SessionAbandoned(string Player, int FinalScore, int MaxTile, int MoveCount, uint? Seed, string? Secret, DateTimeOffset At);
