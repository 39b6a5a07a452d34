using EventApi.Domain.Game;

namespace EventApi.Integration.Browser;

/// <summary>Keys a player presses (arrow keys and WASD), and the game the engine makes of them.</summary>
public static class KeyPresses
{
    public static Direction DirectionOf(string key) => key switch
    {
        "ArrowUp" or "w" => Direction.Up,
        "ArrowRight" or "d" => Direction.Right,
        "ArrowDown" or "s" => Direction.Down,
        "ArrowLeft" or "a" => Direction.Left,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "Not a key that moves."),
    };

    /// <summary><paramref name="keys"/> pressed in turn, over and over, <paramref name="presses"/> times in all.</summary>
    public static string[] Cycle(string[] keys, int presses) => [.. Enumerable.Range(0, presses).Select(i => keys[i % keys.Length])];

    /// <summary>The game on <paramref name="seed"/> after the keys, on the C# engine: a key that moves nothing, or
    /// comes after the game is over, changes nothing (the page ignores it too).</summary>
    public static GameState Play(uint seed, IEnumerable<string> keys)
    {
        var game = Engine.Start(seed, out _, out _);
        foreach (var key in keys)
        {
            if (!game.Over) Engine.TryMove(ref game, DirectionOf(key), [], out _);
        }

        return game;
    }
}
