using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace EventApi.Domain.Game;

/// <summary>
/// Where a game's draws come from, each a double in [0, 1).
/// <list type="bullet">
/// <item>An open game (a public seed, a claim, a daily challenge) draws from <see cref="Mulberry32"/> on its seed, so
/// that it matches the original game with that generator move for move.</item>
/// <item>A sealed game draws from HMAC-SHA256 keyed by its 256-bit secret: draw <c>i</c> (from 0) is the first four
/// bytes of <c>HMAC-SHA256(secret, i as an unsigned 64-bit big-endian integer)</c>, read as a big-endian unsigned
/// integer and divided by 2^32 (<see cref="KeyedDraw"/>). Without the key its outputs can be neither predicted nor run
/// backwards, and there is no small state to search for.</item>
/// </list>
/// Either way the generator can be positioned without drawing (<see cref="Advance"/>), which is what a fold does.
/// </summary>
public struct GameRandom : IEquatable<GameRandom>
{
    /// <summary>The length of a sealed game's secret: 256 bits.</summary>
    public const int SecretBytes = 32;

    private readonly byte[]? _key;

    /// <summary>A generator at <paramref name="state"/>, keyed by <paramref name="key"/> when it is a sealed game's.</summary>
    [JsonConstructor]
    public GameRandom(uint state, byte[]? key = null)
    {
        if (key is not null && key.Length != SecretBytes)
            throw new ArgumentException($"A sealed game's secret is {SecretBytes} bytes, not {key.Length}.", nameof(key));
        State = state;
        _key = key;
    }

    /// <summary>An open game's generator: Mulberry32 on <paramref name="seed"/>.</summary>
    public static GameRandom Open(uint seed) => new(seed);

    /// <summary>A sealed game's generator, keyed by its secret and at its first draw.</summary>
    public static GameRandom Sealed(byte[] secret) => new(0, secret);

    public static implicit operator GameRandom(Mulberry32 rng) => new(rng.State);

    /// <summary>Mulberry32's 32-bit state; for a sealed game, the number of draws made so far.</summary>
    public uint State { readonly get; private set; }

    /// <summary>A sealed game's secret (never shown while the game is on); null for an open game.</summary>
    [SuppressMessage("Performance", "CA1819", Justification = "Stored with the view; never changed after the start.")]
    public readonly byte[]? Key => _key;

    [JsonIgnore]
    public readonly bool IsKeyed => _key is not null;

    public double NextDouble()
    {
        if (_key is not null) return KeyedDraw(_key, State++);

        var rng = new Mulberry32(State);
        var draw = rng.NextDouble();
        State = rng.State;
        return draw;
    }

    /// <summary>The generator as it is after <paramref name="draws"/> more draws.</summary>
    public readonly GameRandom Advance(uint draws) =>
        _key is not null ? new(State + draws, _key) : new(new Mulberry32(State).Advance(draws).State);

    /// <summary>Draw number <paramref name="index"/> of the sealed game whose secret is <paramref name="key"/>.</summary>
    public static double KeyedDraw(ReadOnlySpan<byte> key, ulong index)
    {
        Span<byte> message = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(message, index);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, message, mac);
        return BinaryPrimitives.ReadUInt32BigEndian(mac) / 4294967296.0;
    }

    public readonly bool Equals(GameRandom other) =>
        State == other.State && (_key is null ? other._key is null : other._key is not null && _key.AsSpan().SequenceEqual(other._key));

    public override readonly bool Equals(object? obj) => obj is GameRandom other && Equals(other);

    public override readonly int GetHashCode() => HashCode.Combine(State, IsKeyed);

    public static bool operator ==(GameRandom left, GameRandom right) => left.Equals(right);

    public static bool operator !=(GameRandom left, GameRandom right) => !left.Equals(right);

    /// <summary>Says which generator it is and where, never the key.</summary>
    public override readonly string ToString() => _key is null ? $"Mulberry32 at {State}" : $"HMAC-SHA256 at draw {State}";
}
