using System.Security.Cryptography;
using EventApi.Domain.Game;
using EventApi.Domain.Sessions;

namespace EventApi.Unit;

/// <summary>A game replayed from its events is the game the engine played.</summary>
public class FoldPropertyTests
{
    private const int Games = 200;
    private const int MaxMoves = 2_000;
    private static readonly Direction[] Directions = [Direction.Up, Direction.Right, Direction.Down, Direction.Left];

    [Fact]
    public void folding_the_decided_events_of_long_random_games_gives_the_state_the_engine_reports()
    {
        var random = new Random(20_480);
        var at = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);
        var movesPlayed = 0;
        var gamesOver = 0;
        Span<Tile> merges = stackalloc Tile[Rules.MaxMergesPerMove];

        for (var g = 0; g < Games; g++)
        {
            // Spread the seeds over the whole 32-bit range, 0 and uint.MaxValue included.
            var seed = g switch
            {
                0 => 0u,
                1 => uint.MaxValue,
                _ => unchecked((uint)g * 2654435761u),
            };
            var id = new Guid(g, 0, 0, new byte[8]);
            // Every other game is sealed: it draws from HMAC-SHA256 on a secret instead of Mulberry32 on the seed.
            var secret = g % 2 == 0 ? SHA256.HashData(BitConverter.GetBytes(g)) : null;
            var command = secret is null
                ? StartSession.Open(id, $"p{g}", seed, null, at)
                : StartSession.Sealed(id, $"p{g}", secret, null, at);
            var start = SessionDecider.Decide(command, SessionState.Initial);
            start.IsAccepted.ShouldBeTrue();
            var events = new List<object>(start.Events);
            var session = SessionDecider.Fold(events);
            var engine = Engine.Start(secret is null ? GameRandom.Open(seed) : GameRandom.Sealed(secret), out _, out _);
            session.Game.ShouldBe(engine, $"seed {seed}: start");

            while (!engine.Over && engine.MoveCount < MaxMoves)
            {
                // A batch of 1 to 12 moves that each move something, chosen on the engine's own copy of the game.
                var batchSize = random.Next(1, 13);
                var batch = new List<Direction>(batchSize);
                while (batch.Count < batchSize && !engine.Over && engine.MoveCount < MaxMoves)
                {
                    var first = random.Next(4);
                    for (var k = 0; k < 4; k++)
                    {
                        var direction = Directions[(first + k) % 4];
                        if (!Engine.TryMove(ref engine, direction, merges, out _)) continue;
                        batch.Add(direction);
                        break;
                    }
                }

                at = at.AddSeconds(1);
                var decision = SessionDecider.Decide(new MakeMoves(batch, at), session);
                decision.IsAccepted.ShouldBeTrue($"seed {seed}: {decision.Rejection?.Detail}");
                decision.Events.OfType<TilesMoved>().Count().ShouldBe(batch.Count);
                events.AddRange(decision.Events);
                session = decision.Events.Aggregate(session, SessionDecider.Evolve);

                session.Game.ShouldBe(engine, $"seed {seed} after move {engine.MoveCount}");
            }

            var folded = SessionDecider.Fold(events);
            var why = $"seed {seed}";
            folded.ShouldBe(session, why);
            folded.Game.Board.ShouldBe(engine.Board, why);
            folded.Game.Score.ShouldBe(engine.Score, why);
            folded.Game.MoveCount.ShouldBe(engine.MoveCount, why);
            folded.Game.MaxTile.ShouldBe(engine.MaxTile, why);
            folded.Game.Won.ShouldBe(engine.Won, why);
            folded.Game.Rng.State.ShouldBe(engine.Rng.State, why);
            folded.Status.ShouldBe(engine.Over ? SessionStatus.Over : SessionStatus.Active, why);
            // A checkpoint's state and the events after it fold to the same state: a replay may start anywhere.
            var cut = random.Next(events.Count + 1);
            SessionDecider.Fold(SessionDecider.Fold(events.Take(cut)), events.Skip(cut)).ShouldBe(folded, $"{why}, cut at {cut}");
            folded.Seed.ShouldBe(secret is null ? seed : null, why);
            folded.Secret.ShouldBe(secret is null ? null : Convert.ToHexStringLower(secret), why);
            events.OfType<TilesMoved>().Count().ShouldBe(engine.MoveCount, why);
            events.OfType<TilesMoved>().Sum(e => e.ScoreGained).ShouldBe(engine.Score, why);

            if (engine.Over)
            {
                gamesOver++;
                events[^1].ShouldBe(new GameOver($"p{g}", engine.Score, engine.MaxTile, engine.MoveCount, folded.Seed, folded.Secret, at), why);
            }
            else
            {
                events.OfType<GameOver>().ShouldBeEmpty(why);
            }

            movesPlayed += engine.MoveCount;
        }

        // The property held over real games, not trivial ones.
        gamesOver.ShouldBeGreaterThan(Games / 2);
        movesPlayed.ShouldBeGreaterThan(Games * 50);
    }
}
