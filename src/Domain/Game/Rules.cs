namespace EventApi.Domain.Game;

/// <summary>
/// The rules of 2048 as the original game manager plays them, with its <c>Math.random()</c> replaced by a seeded
/// <see cref="Mulberry32"/>. Pure functions over value types: no allocation, no clock, no I/O.
/// </summary>
public static class Rules
{
    /// <summary>The most merges one move can make: two in each of four lines.</summary>
    public const int MaxMergesPerMove = 8;

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
        mergeCount = 0;
        scoreGained = 0;
        var moved = false;
        Span<int> line = stackalloc int[Board.Size];
        Span<byte> result = stackalloc byte[Board.Size];

        for (var lane = 0; lane < Board.Size; lane++)
        {
            // The cells of this lane, front (the side the tiles move towards) first.
            for (var i = 0; i < Board.Size; i++) line[i] = CellIndex(direction, lane, i);

            var write = 0;
            var lastCanMerge = false;
            result.Clear();
            for (var read = 0; read < Board.Size; read++)
            {
                var e = board.Exponent(line[read]);
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
                if (board.Exponent(line[i]) == result[i]) continue;
                board.SetExponent(line[i], result[i]);
                moved = true;
            }
        }

        return moved;
    }

    /// <summary>
    /// Spawns one tile: the first draw picks the value (2 when it is below 0.9, else 4); the empty cells are listed
    /// column by column (x outer, y inner) and the second draw picks one. Draws nothing when the board is full.
    /// </summary>
    public static bool TrySpawn(ref Board board, ref Mulberry32 rng, out Tile spawned)
    {
        var count = board.EmptyCount;
        if (count == 0)
        {
            spawned = default;
            return false;
        }

        var value = rng.NextDouble() < 0.9 ? 2 : 4;
        var pick = (int)Math.Floor(rng.NextDouble() * count);
        for (var x = 0; x < Board.Size; x++)
        {
            for (var y = 0; y < Board.Size; y++)
            {
                if (board.Exponent(y * Board.Size + x) != 0) continue;
                if (pick-- != 0) continue;
                spawned = new Tile(x, y, value);
                board.Place(spawned);
                return true;
            }
        }

        throw new InvalidOperationException("Unreachable: an empty cell was counted but not found.");
    }

    /// <summary>Draws a spawn uses, so that a fold can position the generator without drawing.</summary>
    public const uint DrawsPerSpawn = 2;

    private static int CellIndex(Direction direction, int lane, int position) => direction switch
    {
        Direction.Left => lane * Board.Size + position,
        Direction.Right => lane * Board.Size + (Board.Size - 1 - position),
        Direction.Up => position * Board.Size + lane,
        Direction.Down => (Board.Size - 1 - position) * Board.Size + lane,
        _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "Unknown direction."),
    };
}
