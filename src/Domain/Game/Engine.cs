namespace EventApi.Domain.Game;

/// <summary>The engine: starts games and plays moves, drawing from the game's own generator.</summary>
public static class Engine
{
    /// <summary>A new open game on <paramref name="seed"/> (Mulberry32) spawns two tiles.</summary>
    public static GameState Start(uint seed, out Tile first, out Tile second) => Start(GameRandom.Open(seed), out first, out second);

    /// <summary>A new game spawns two tiles, drawn from <paramref name="rng"/>.</summary>
    public static GameState Start(GameRandom rng, out Tile first, out Tile second)
    {
        var board = default(Board);
        Rules.TrySpawn(ref board, ref rng, out first);
        Rules.TrySpawn(ref board, ref rng, out second);
        return new GameState(board, rng, 0, 0);
    }

    /// <summary>
    /// Plays one move. A move that moves no tile is no move: it returns false, and nothing changes or is drawn.
    /// After a move that moved something, one tile spawns.
    /// </summary>
    public static bool TryMove(ref GameState state, Direction direction, Span<Tile> merges, out MoveOutcome outcome)
    {
        var board = state.Board;
        if (!Rules.Slide(ref board, direction, merges, out var mergeCount, out var gained))
        {
            outcome = default;
            return false;
        }

        var rng = state.Rng;
        Rules.TrySpawn(ref board, ref rng, out var spawned);
        state = new GameState(board, rng, state.Score + gained, state.MoveCount + 1);
        outcome = new MoveOutcome(gained, mergeCount, spawned);
        return true;
    }

    /// <summary>
    /// Replays a move that is known to have happened, from its recorded spawn: the fold of an event. It slides by
    /// the rules and places the recorded tile, and positions the generator past the spawn's draws without drawing.
    /// </summary>
    public static GameState Replay(in GameState state, Direction direction, Tile spawned)
    {
        var board = state.Board;
        if (!Rules.Slide(ref board, direction, [], out _, out var gained))
            throw new InvalidOperationException($"A recorded {direction} move moves no tile on {state.Board}.");
        board.Place(spawned);
        return new GameState(board, state.Rng.Advance(Rules.DrawsPerSpawn), state.Score + gained, state.MoveCount + 1);
    }
}
