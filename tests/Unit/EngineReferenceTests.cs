using EventApi.Domain.Game;
using EventApi.Domain.Sessions;

namespace EventApi.Unit;

/// <summary>
/// Replays games played by a re-implementation of the original 2048 game manager (reference/reference-games.js,
/// with Math.random() replaced by Mulberry32) and checks the engine plays them move for move.
/// </summary>
public class EngineReferenceTests
{
    public static TheoryData<int, uint> GameIndexes()
    {
        var data = new TheoryData<int, uint>();
        for (var i = 0; i < ReferenceGames.All.Count; i++) data.Add(i, ReferenceGames.All[i].Seed);
        return data;
    }

    [Fact]
    public void the_fixture_holds_games_that_end_and_a_game_that_goes_past_2048()
    {
        ReferenceGames.All.Count.ShouldBeGreaterThanOrEqualTo(4);
        ReferenceGames.All.Select(g => g.Seed).ShouldContain(4294967295u);
        ReferenceGames.All.Where(g => g.Moves.Last().Over).Count().ShouldBeGreaterThanOrEqualTo(4);
        ReferenceGames.All.SelectMany(g => g.Steps).ShouldContain(s => !s.Moved);
        var winner = ReferenceGames.All.Single(g => g.Policy == "strong");
        var moves = winner.Moves.ToList();
        var firstWon = moves.FindIndex(s => s.Won);
        firstWon.ShouldBeGreaterThan(0);
        moves.Count.ShouldBeGreaterThan(firstWon + 100);
    }

    [Theory]
    [MemberData(nameof(GameIndexes))]
    public void the_engine_plays_the_reference_game_move_for_move(int index, uint seed)
    {
        var game = ReferenceGames.All[index];
        game.Seed.ShouldBe(seed);
        var state = Engine.Start(seed, out _, out _);
        state.Board.ShouldBe(Board.FromRows(game.Start), $"seed {seed}: start");
        Span<Tile> merges = stackalloc Tile[Rules.MaxMergesPerMove];

        for (var i = 0; i < game.Steps.Count; i++)
        {
            var step = game.Steps[i];
            var before = state;
            var moved = Engine.TryMove(ref state, step.Direction, merges, out var outcome);
            var at = $"seed {seed}, step {i} ({step.Direction}) from {before.Board}";

            moved.ShouldBe(step.Moved, at);
            if (!step.Moved)
            {
                state.ShouldBe(before, at);
                continue;
            }

            state.Board.ShouldBe(Board.FromRows(step.Rows), at);
            state.Score.ShouldBe(step.Score, at);
            state.Won.ShouldBe(step.Won, at);
            state.Over.ShouldBe(step.Over, at);
            outcome.ScoreGained.ShouldBe(step.Score - before.Score, at);
            state.Board[outcome.Spawned.X, outcome.Spawned.Y].ShouldBe(outcome.Spawned.Value, at);
        }

        state.MoveCount.ShouldBe(game.Moves.Count());
    }

    [Theory]
    [MemberData(nameof(GameIndexes))]
    public void the_decider_plays_the_reference_game_in_one_batch_and_its_fold_ends_where_the_reference_ends(int index, uint seed)
    {
        var game = ReferenceGames.All[index];
        var at = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var id = new Guid("0b9f2a4e-1c4d-4e0a-9d3b-6a1f0c2e7b55");
        var started = SessionDecider.Decide(StartSession.Open(id, "ref", seed, null, at), SessionState.Initial);
        started.IsAccepted.ShouldBeTrue();
        var moves = game.Moves.ToList();

        var decision = SessionDecider.Decide(
            new MakeMoves([.. moves.Select(s => s.Direction)], at),
            SessionDecider.Fold(started.Events));

        decision.IsAccepted.ShouldBeTrue(decision.Rejection?.Detail);
        decision.Events.OfType<TilesMoved>().Count().ShouldBe(moves.Count);
        var last = moves[^1];
        var state = SessionDecider.Fold([.. started.Events, .. decision.Events]);
        state.Game.Board.ShouldBe(Board.FromRows(last.Rows));
        state.Game.Score.ShouldBe(last.Score);
        state.Game.MoveCount.ShouldBe(moves.Count);
        state.Game.Won.ShouldBe(last.Won);
        state.Status.ShouldBe(last.Over ? SessionStatus.Over : SessionStatus.Active);

        var over = decision.Events.OfType<GameOver>().ToList();
        if (last.Over)
        {
            over.Single().ShouldBe(new GameOver("ref", last.Score, last.Rows.SelectMany(r => r).Max(), moves.Count, seed, null, at));
            decision.Events[^1].ShouldBeOfType<GameOver>();
        }
        else
        {
            over.ShouldBeEmpty();
        }

        // A milestone for each move that made a tile of at least 512 larger than any before it, in the reference.
        var expectedMilestones = new List<MilestoneReached>();
        var max = game.Start.SelectMany(r => r).Max();
        for (var i = 0; i < moves.Count; i++)
        {
            var newMax = moves[i].Rows.SelectMany(r => r).Max();
            if (newMax > max && newMax >= SessionDecider.FirstMilestone)
                expectedMilestones.Add(new MilestoneReached(newMax, moves[i].Score, i + 1, at));
            max = Math.Max(max, newMax);
        }

        decision.Events.OfType<MilestoneReached>().ShouldBe(expectedMilestones);
        if (game.Policy == "strong") expectedMilestones.Select(m => m.Tile).ShouldBe([512, 1024, 2048]);
    }
}
