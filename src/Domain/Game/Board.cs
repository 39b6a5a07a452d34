using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EventApi.Domain.Game;

/// <summary>
/// The 4x4 board as sixteen tile exponents (0 for an empty cell, k for a tile of value 2^k), indexed y * 4 + x.
/// A value type of sixteen bytes: copying it is as cheap as copying two longs, so rules never allocate.
/// In JSON it is <c>board[y][x]</c>, rows top to bottom, 0 for an empty cell.
/// </summary>
[JsonConverter(typeof(BoardJsonConverter))]
public struct Board : IEquatable<Board>
{
    public const int Size = 4;
    public const int CellCount = Size * Size;

    private Cells _cells;

    [InlineArray(CellCount)]
    private struct Cells
    {
        private byte _element;
    }

    /// <summary>The tile value at column <paramref name="x"/>, row <paramref name="y"/> (0 when empty).</summary>
    public readonly int this[int x, int y] => Value(_cells[y * Size + x]);

    /// <summary>The sixteen exponents, y * 4 + x, for the rules' hot loops.</summary>
    [UnscopedRef]
    internal Span<byte> Exponents => _cells;

    public void Place(Tile tile) => _cells[tile.Y * Size + tile.X] = ToExponent(tile.Value);

    public readonly int EmptyCount
    {
        get
        {
            var count = 0;
            for (var i = 0; i < CellCount; i++)
            {
                if (_cells[i] == 0) count++;
            }

            return count;
        }
    }

    public readonly int MaxTile
    {
        get
        {
            byte max = 0;
            for (var i = 0; i < CellCount; i++)
            {
                if (_cells[i] > max) max = _cells[i];
            }

            return Value(max);
        }
    }

    /// <summary>Whether any move is possible: an empty cell, or two equal neighbours in a row or a column.</summary>
    public readonly bool HasMoves
    {
        get
        {
            for (var y = 0; y < Size; y++)
            {
                for (var x = 0; x < Size; x++)
                {
                    var e = _cells[y * Size + x];
                    if (e == 0) return true;
                    if (x + 1 < Size && _cells[y * Size + x + 1] == e) return true;
                    if (y + 1 < Size && _cells[(y + 1) * Size + x] == e) return true;
                }
            }

            return false;
        }
    }

    public static Board FromRows(int[][] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Length != Size || rows.Any(r => r is null || r.Length != Size))
            throw new ArgumentException("A board has 4 rows of 4 cells.", nameof(rows));

        var board = default(Board);
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                board._cells[y * Size + x] = ToExponent(rows[y][x]);
            }
        }

        return board;
    }

    public readonly int[][] ToRows()
    {
        var rows = new int[Size][];
        for (var y = 0; y < Size; y++)
        {
            rows[y] = new int[Size];
            for (var x = 0; x < Size; x++) rows[y][x] = this[x, y];
        }

        return rows;
    }

    internal static int Value(byte exponent) => exponent == 0 ? 0 : 1 << exponent;

    internal static byte ToExponent(int value)
    {
        if (value == 0) return 0;
        if (value < 2 || !BitOperations.IsPow2(value))
            throw new ArgumentOutOfRangeException(nameof(value), value, "A tile is 0 (empty) or a power of two from 2.");
        return (byte)BitOperations.Log2((uint)value);
    }

    public readonly bool Equals(Board other)
    {
        ReadOnlySpan<byte> a = _cells;
        ReadOnlySpan<byte> b = other._cells;
        return a.SequenceEqual(b);
    }

    public override readonly bool Equals(object? obj) => obj is Board other && Equals(other);

    public override readonly int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_cells);
        return hash.ToHashCode();
    }

    public static bool operator ==(Board left, Board right) => left.Equals(right);

    public static bool operator !=(Board left, Board right) => !left.Equals(right);

    public override readonly string ToString() =>
        string.Join(" / ", ToRows().Select(r => string.Join(' ', r)));
}

/// <summary>Reads and writes a board as <c>[[row 0], [row 1], [row 2], [row 3]]</c>.</summary>
public sealed class BoardJsonConverter : JsonConverter<Board>
{
    public override Board Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var rows = JsonSerializer.Deserialize<int[][]>(ref reader, options)
                   ?? throw new JsonException("A board cannot be null.");
        try
        {
            return Board.FromRows(rows);
        }
        catch (ArgumentException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    public override void Write(Utf8JsonWriter writer, Board value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        for (var y = 0; y < Board.Size; y++)
        {
            writer.WriteStartArray();
            for (var x = 0; x < Board.Size; x++) writer.WriteNumberValue(value[x, y]);
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
    }
}
