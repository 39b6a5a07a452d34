namespace EventApi.Domain.Game;

/// <summary>A game of 2048 at one point: the board, the generator, the score and what follows from them.</summary>
public readonly record struct GameState(Board Board, GameRandom Rng, int Score, int MoveCount)
{
    public const int WinningTile = 2048;

    public int MaxTile => Board.MaxTile;

    /// <summary>A 2048 tile has been made; play goes on after it.</summary>
    public bool Won => MaxTile >= WinningTile;

    /// <summary>No cell is empty and no two neighbours are equal.</summary>
    public bool Over => !Board.HasMoves;
}

/// <summary>What one move did.</summary>
public readonly record struct MoveOutcome(int ScoreGained, int MergeCount, Tile Spawned);
