namespace EventApi.Domain.Game;

/// <summary>A tile on the board: x is the column (0 left to 3 right), y the row (0 top to 3 bottom).</summary>
/// <param name="X">The column, 0 (left) to 3 (right).</param>
/// <param name="Y">The row, 0 (top) to 3 (bottom).</param>
/// <param name="Value">The tile's value: 2, 4, 8, ...</param>
public readonly record struct Tile(int X, int Y, int Value);
