using EventApi.Domain.Game;

namespace EventApi.Domain.Claims;

/// <summary>Moves as one character each (u, r, d, l): a 100,000-move claim is 100 KB in its event, not 800.</summary>
public static class MoveCodes
{
    public static char Encode(Direction direction) => direction switch
    {
        Direction.Up => 'u',
        Direction.Right => 'r',
        Direction.Down => 'd',
        Direction.Left => 'l',
        _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "Unknown direction."),
    };

    public static Direction Decode(char code) => code switch
    {
        'u' => Direction.Up,
        'r' => Direction.Right,
        'd' => Direction.Down,
        'l' => Direction.Left,
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "Not a move code."),
    };

    public static string Encode(IReadOnlyList<Direction> moves) =>
        string.Create(moves.Count, moves, static (span, m) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = Encode(m[i]);
        });
}
