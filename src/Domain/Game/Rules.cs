using System.Numerics;

namespace EventApi.Domain.Game;

/// <summary>
/// The rules of 2048 as the original game manager plays them, with its <c>Math.random()</c> replaced by the game's
/// <see cref="GameRandom"/>. Pure functions over value types: no allocation, no clock, no I/O.
/// </summary>
public static class Rules
{
    /// <summary>The most merges one move can make: two in each of four lines.</summary>
    public const int MaxMergesPerMove = 8;

    /// <summary>Draws a spawn uses, so that a fold can position the generator without drawing.</summary>
    public const uint DrawsPerSpawn = 2;

    /// <summary>
    /// For each direction (in <see cref="Direction"/> order), its four lanes of four cell indices (y * 4 + x), each
    /// lane front first: the cell the tiles move towards, then the ones behind it.
    /// </summary>
    private static ReadOnlySpan<byte> Lanes =>
    [
        0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15, // up: columns, top first
        3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, // right: rows, right first
        12, 8, 4, 0, 13, 9, 5, 1, 14, 10, 6, 2, 15, 11, 7, 3, // down: columns, bottom first
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, // left: rows, left first
    ];

    /// <summary>The cell indices (y * 4 + x) column by column, x outer and y inner: the original's order of empty cells.</summary>
    private static ReadOnlySpan<byte> ColumnMajor => [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15];

    /// <summary>
    /// Slides every tile as far as it goes towards <paramref name="direction"/>, traversing from that side; a tile
    /// merges into the next tile of equal value unless that tile was itself made by a merge in this move.
    /// </summary>
    /// <param name="board">The board, changed in place.</param>
    /// <param name="direction">Where the tiles go.</param>
    /// <param name="merges">Receives each merged tile at its destination (room for <see cref="MaxMergesPerMove"/>), or empty to skip.</param>
    /// <param name="mergeCount">How many tiles merged.</param>
    /// <param name="scoreGained">The sum of the merged tiles' values.</param>
    /// <returns>Whether any tile moved; when none did, the board is unchanged.</returns>
    public static bool Slide(ref Board board, Direction direction, Span<Tile> merges, out int mergeCount, out int scoreGained)
    {
        if ((uint)direction > (uint)Direction.Left)
            throw new ArgumentOutOfRangeException(nameof(direction), direction, "Unknown direction.");

        mergeCount = 0;
        scoreGained = 0;
        var moved = false;
        var cells = board.Exponents;
        var lanes = Lanes.Slice((int)direction * Board.CellCount, Board.CellCount);
        Span<byte> result = stackalloc byte[Board.Size];

        for (var lane = 0; lane < Board.CellCount; lane += Board.Size)
        {
            var line = lanes.Slice(lane, Board.Size);
            var write = 0;
            var lastCanMerge = false;
            result.Clear();
            for (var read = 0; read < Board.Size; read++)
            {
                var e = cells[line[read]];
                if (e == 0) continue;

                if (lastCanMerge && result[write - 1] == e)
                {
                    var merged = (byte)(e + 1);
                    result[write - 1] = merged;
                    lastCanMerge = false;
                    var value = Board.Value(merged);
                    scoreGained += value;
                    if (!merges.IsEmpty)
                    {
                        var at = line[write - 1];
                        merges[mergeCount] = new Tile(at % Board.Size, at / Board.Size, value);
                    }

                    mergeCount++;
                }
                else
                {
                    result[write++] = e;
                    lastCanMerge = true;
                }
            }

            for (var i = 0; i < Board.Size; i++)
            {
                ref var cell = ref cells[line[i]];
                if (cell == result[i]) continue;
                cell = result[i];
                moved = true;
            }
        }

        return moved;
    }

    /// <summary>
    /// Spawns one tile: the first draw picks the value (2 when it is below 0.9, else 4); the empty cells are listed
    /// column by column (x outer, y inner) and the second draw picks one. Draws nothing when the board is full.
    /// </summary>
    public static bool TrySpawn(ref Board board, ref GameRandom rng, out Tile spawned)
    {
        // Bit i is the i-th cell column by column (x * 4 + y), set when that cell is empty.
        var cells = board.Exponents;
        var empty = 0u;
        for (var i = 0; i < Board.CellCount; i++)
        {
            if (cells[ColumnMajor[i]] == 0) empty |= 1u << i;
        }

        var count = BitOperations.PopCount(empty);
        if (count == 0)
        {
            spawned = default;
            return false;
        }

        var value = rng.NextDouble() < 0.9 ? 2 : 4;
        for (var pick = (int)Math.Floor(rng.NextDouble() * count); pick > 0; pick--) empty &= empty - 1;
        var order = BitOperations.TrailingZeroCount(empty);
        spawned = new Tile(order / Board.Size, order % Board.Size, value);
        board.Place(spawned);
        return true;
    }
}
