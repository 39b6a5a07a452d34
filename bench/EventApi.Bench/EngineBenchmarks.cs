using BenchmarkDotNet.Attributes;
using EventApi.Domain.Claims;
using EventApi.Domain.Game;

namespace EventApi.Bench;

/// <summary>
/// The engine in memory, on one core: real moves per second (each a slide and a spawn), and the engine time of
/// verifying 100,000 claimed moves. The games are played once in setup, so every run replays the same moves.
/// </summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    public const int Moves = 1_000_000;
    public const int ClaimMoves = 100_000;

    private readonly List<(uint Seed, Direction[] Moves)> _games = [];
    private readonly List<(uint Seed, Direction[] Moves, int Score)> _claims = [];

    [GlobalSetup]
    public void Setup()
    {
        _games.AddRange(Play(Moves, firstSeed: 1).Select(g => (g.Seed, g.Moves)));
        _claims.AddRange(Play(ClaimMoves, firstSeed: 1_000_000));
    }

    /// <summary>A million real moves across games; per operation: one move.</summary>
    [Benchmark(OperationsPerInvoke = Moves)]
    public int Move()
    {
        var score = 0;
        foreach (var (seed, moves) in _games)
        {
            var game = Engine.Start(seed, out _, out _);
            foreach (var direction in moves) Engine.TryMove(ref game, direction, [], out _);
            score += game.Score;
        }

        return score;
    }

    /// <summary>Verifying 100,000 claimed moves (whole games back to back, each to the score it reached).</summary>
    [Benchmark]
    public int Verify100000ClaimedMoves()
    {
        var verified = 0;
        foreach (var (seed, moves, score) in _claims)
        {
            if (ClaimVerifier.Verify(seed, moves, score).IsVerified) verified++;
        }

        return verified;
    }

    /// <summary>Games of random real moves, totalling exactly <paramref name="total"/> moves (the last one cut short).</summary>
    private static IEnumerable<(uint Seed, Direction[] Moves, int Score)> Play(int total, uint firstSeed)
    {
        var random = new Random(20261122);
        var seed = firstSeed;
        while (total > 0)
        {
            var game = Engine.Start(seed, out _, out _);
            var moves = new List<Direction>();
            while (!game.Over && moves.Count < total)
            {
                var direction = (Direction)random.Next(4);
                if (Engine.TryMove(ref game, direction, [], out _)) moves.Add(direction);
            }

            total -= moves.Count;
            yield return (seed++, moves.ToArray(), game.Score);
        }
    }
}
