namespace EventApi.Domain.Game;

/// <summary>A tile on the board: x is the column (0 left to 3 right), y the row (0 top to 3 bottom).</summary>
public readonly record struct Tile(int X, int Y, int Value);
