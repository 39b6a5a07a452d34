using EventApi.Domain.Game;

namespace EventApi.Integration.Infrastructure;

/// <summary>Moves as a client sends them (by their JSON names), and the client's copy of the engine that chooses them.</summary>
public static class Moves
{
    /// <summary>The directions' JSON names, in the order of <see cref="Direction"/>.</summary>
    public static readonly IReadOnlyList<string> Names = ["up", "right", "down", "left"];

    public static string NameOf(Direction direction) => Names[(int)direction];

    public static string[] NamesOf(IEnumerable<Direction> directions) => [.. directions.Select(NameOf)];

    /// <summary>
    /// Plays random real moves on the client's copy of <paramref name="game"/> (the client runs the same engine, so it
    /// only sends moves that move something), directions drawn from <paramref name="random"/>, until the game is over or
    /// <paramref name="maxMoves"/> moves. Returns the moves; <paramref name="game"/> is left where they lead.
    /// </summary>
    public static List<Direction> PlayRandom(ref GameState game, Random random, int maxMoves = int.MaxValue)
    {
        var moves = new List<Direction>();
        while (!game.Over && moves.Count < maxMoves) moves.Add(NextRandom(ref game, random));
        return moves;
    }

    /// <summary>The next random real move on <paramref name="game"/>, which is not over: directions are drawn from
    /// <paramref name="random"/> until one moves something, and the move is played.</summary>
    public static Direction NextRandom(ref GameState game, Random random)
    {
        while (true)
        {
            var direction = (Direction)random.Next(4);
            if (Engine.TryMove(ref game, direction, [], out _)) return direction;
        }
    }

    /// <summary>Whether <paramref name="direction"/> moves a tile of <paramref name="board"/>.</summary>
    public static bool MovesSomething(Board board, Direction direction) => Rules.Slide(ref board, direction, [], out _, out _);

    /// <summary>A move that moves something from <paramref name="start"/>, and one that then moves nothing.</summary>
    public static (string Valid, string NoOp) FirstValidThenNoOp(GameState start)
    {
        foreach (var first in Enum.GetValues<Direction>())
        {
            var game = start;
            if (!Engine.TryMove(ref game, first, [], out _)) continue;
            foreach (var second in Enum.GetValues<Direction>())
            {
                var probe = game;
                if (!Engine.TryMove(ref probe, second, [], out _)) return (NameOf(first), NameOf(second));
            }
        }

        throw new InvalidOperationException($"No opening from {start.Board} with a no-op second move.");
    }
}
