using System.Text.Json.Serialization;

namespace EventApi.Domain.Game;

/// <summary>
/// The Mulberry32 generator on a 32-bit unsigned state that starts as the seed. Each draw advances the state by
/// 0x6D2B79F5 and returns a double in [0, 1). Because the state after n draws is seed + n * 0x6D2B79F5, the
/// generator can be positioned without drawing (<see cref="Advance"/>), which is what a fold of events does.
/// </summary>
public struct Mulberry32
{
    public const uint Increment = 0x6D2B79F5;

    /// <summary>A generator whose state is <paramref name="state"/> (a seed, or a state saved earlier).</summary>
    [JsonConstructor]
    public Mulberry32(uint state) => State = state;

    /// <summary>The current 32-bit state; it is secret for as long as the seed is.</summary>
    public uint State { readonly get; private set; }

    public double NextDouble()
    {
        unchecked
        {
            State += Increment;
            uint t = State;
            t = (t ^ (t >> 15)) * (t | 1);
            t ^= t + (t ^ (t >> 7)) * (t | 61);
            return (t ^ (t >> 14)) / 4294967296.0;
        }
    }

    /// <summary>The generator as it is after <paramref name="draws"/> more draws.</summary>
    public readonly Mulberry32 Advance(uint draws) => new(unchecked(State + draws * Increment));
}
