using EventApi.Domain.Game;

namespace EventApi.Unit;

/// <summary>Small helpers to write boards as rows (board[y][x], 0 for empty) in tests.</summary>
internal static class Boards
{
    public static readonly int[] Empty = [0, 0, 0, 0];

    public static Board Of(int[][] rows) => Board.FromRows(rows);

    /// <summary>The tiles of a board, listed column by column (x outer, y inner).</summary>
    public static Tile[] TilesOf(int[][] rows)
    {
        var tiles = new List<Tile>();
        for (var x = 0; x < Board.Size; x++)
        {
            for (var y = 0; y < Board.Size; y++)
            {
                if (rows[y][x] != 0) tiles.Add(new Tile(x, y, rows[y][x]));
            }
        }

        return [.. tiles];
    }

    public static Direction Parse(string letter) => letter switch
    {
        "U" => Direction.Up,
        "R" => Direction.Right,
        "D" => Direction.Down,
        "L" => Direction.Left,
        _ => throw new ArgumentOutOfRangeException(nameof(letter), letter, "Not a direction letter."),
    };
}
