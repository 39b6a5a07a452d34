using EventApi.Domain.Game;

namespace EventApi.Domain.Sessions;

// Past-tense facts. Each carries what a fold needs, so state is rebuilt from events alone and no reader of the
// stream ever needs the generator. Times come from the command that caused them: the domain has no clock.

/// <summary>A session began: who plays, the seed (secret while the session is sealed and active), the commitment
/// to it, the two tiles a new game spawns, and the daily challenge it plays when its seed is that day's.</summary>
public sealed record SessionStarted(
    Guid SessionId,
    string Player,
    uint Seed,
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

/// <summary>No move is left: the game's result. The seed is revealed.</summary>
public sealed record GameOver(string Player, int FinalScore, int MaxTile, int MoveCount, uint Seed, DateTimeOffset At);

/// <summary>The player ended the session: the game's result. The seed is revealed.</summary>
public sealed record SessionAbandoned(string Player, int FinalScore, int MaxTile, int MoveCount, uint Seed, DateTimeOffset At);
