using EventApi.Domain.Claims;
using EventApi.Domain.Game;

namespace EventApi.Unit;

/// <summary>Replaying claims: the reference games verify; a no-op move, a move after the game is over, a wrong score
/// and a changed move are each refuted.</summary>
public sealed class ClaimVerifierTests
{
    private static ReferenceGame Strong => ReferenceGames.All.Single(g => g.Policy == "strong");

    private static ReferenceGame EndedGame => ReferenceGames.All.First(g => g.Moves.Last().Over);

    private static Direction[] MovesOf(ReferenceGame game) => [.. game.Moves.Select(s => s.Direction)];

    private static int ScoreOf(ReferenceGame game) => game.Moves.Last().Score;

    public static TheoryData<int, uint> GameIndexes() => EngineReferenceTests.GameIndexes();

    [Theory]
    [MemberData(nameof(GameIndexes))]
    public void a_reference_game_claimed_at_its_final_score_is_verified_with_the_reference_result(int index, uint seed)
    {
        var game = ReferenceGames.All[index];
        var moves = MovesOf(game);
        var last = game.Moves.Last();

        var verdict = ClaimVerifier.Verify(seed, moves, last.Score);

        verdict.IsVerified.ShouldBeTrue(verdict.Detail);
        verdict.Reason.ShouldBeNull();
        verdict.MoveIndex.ShouldBeNull();
        verdict.Detail.ShouldBeNull();
        verdict.Game.Board.ShouldBe(Board.FromRows(last.Rows));
        verdict.Game.Score.ShouldBe(last.Score);
        verdict.Game.MoveCount.ShouldBe(moves.Length);
        verdict.Game.Won.ShouldBe(last.Won);
        verdict.Game.Over.ShouldBe(last.Over);
        verdict.MovesByDirection.ShouldBe(new MoveCounts(
            moves.Count(d => d == Direction.Up), moves.Count(d => d == Direction.Right),
            moves.Count(d => d == Direction.Down), moves.Count(d => d == Direction.Left)));
    }

    [Fact]
    public void a_move_that_moves_nothing_is_rejected_at_its_index()
    {
        // The reference games' own steps include moves that moved nothing; claimed as they were played, the first of
        // them refutes the claim.
        var game = ReferenceGames.All.First(g => g.Steps.Any(s => !s.Moved));
        var steps = game.Steps.Select(s => s.Direction).ToArray();
        var firstNoOp = game.Steps.ToList().FindIndex(s => !s.Moved);

        var verdict = ClaimVerifier.Verify(game.Seed, steps, ScoreOf(game));

        verdict.IsVerified.ShouldBeFalse();
        verdict.Reason.ShouldBe(ClaimVerifier.MoveChangesNothing);
        verdict.MoveIndex.ShouldBe(firstNoOp);
        verdict.Detail.ShouldBe($"Move {firstNoOp} ({Name(steps[firstNoOp])}) moves no tile.");
        verdict.Game.MoveCount.ShouldBe(firstNoOp, "the replay stops just before the refused move");
        verdict.Game.Board.ShouldBe(firstNoOp == 0 ? Board.FromRows(game.Start) : Board.FromRows(game.Steps[firstNoOp - 1].Rows));
    }

    [Fact]
    public void a_move_after_the_game_is_over_is_rejected_as_game_already_over()
    {
        var game = EndedGame;
        var moves = MovesOf(game);

        var verdict = ClaimVerifier.Verify(game.Seed, [.. moves, Direction.Left, Direction.Up], ScoreOf(game));

        verdict.IsVerified.ShouldBeFalse();
        verdict.Reason.ShouldBe(ClaimVerifier.GameAlreadyOver);
        verdict.MoveIndex.ShouldBe(moves.Length);
        verdict.Detail.ShouldBe($"Move {moves.Length} (left) cannot be played: the game was over after move {moves.Length - 1}.");
        verdict.Game.Over.ShouldBeTrue();
        verdict.Game.Score.ShouldBe(ScoreOf(game));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(-4)]
    public void a_score_other_than_the_replayed_one_is_rejected_as_score_mismatch_with_no_move_index(int offset)
    {
        var game = Strong;
        var score = ScoreOf(game);

        var verdict = ClaimVerifier.Verify(game.Seed, MovesOf(game), score + offset);

        verdict.IsVerified.ShouldBeFalse();
        verdict.Reason.ShouldBe(ClaimVerifier.ScoreMismatch);
        verdict.MoveIndex.ShouldBeNull();
        verdict.Game.Score.ShouldBe(score);
        verdict.Game.MoveCount.ShouldBe(game.Moves.Count());
        verdict.Detail.ShouldBe($"Every one of the {game.Moves.Count()} moves was played, and the replay scored {score}, not the claimed {score + offset}.");
    }

    [Fact]
    public void a_claim_with_one_move_changed_to_another_real_move_is_rejected_later_in_the_game()
    {
        var game = Strong;
        var moves = MovesOf(game);
        const int changed = 10;
        var before = Engine.Start(game.Seed, out _, out _);
        foreach (var move in moves[..changed]) Engine.TryMove(ref before, move, [], out _).ShouldBeTrue();
        // Another direction that also moves a tile there: the change is a real move, so what refutes the claim is
        // the game it leads to.
        moves[changed] = Enum.GetValues<Direction>().First(d =>
        {
            var probe = before;
            return d != moves[changed] && Engine.TryMove(ref probe, d, [], out _);
        });

        var verdict = ClaimVerifier.Verify(game.Seed, moves, ScoreOf(game));

        verdict.IsVerified.ShouldBeFalse();
        verdict.Game.MoveCount.ShouldBeGreaterThan(changed);
        if (verdict.MoveIndex is { } index) index.ShouldBeGreaterThan(changed);
        else verdict.Reason.ShouldBe(ClaimVerifier.ScoreMismatch);
    }

    [Fact]
    public void moves_stored_as_move_codes_replay_to_the_same_verdict()
    {
        var game = EndedGame;
        var moves = MovesOf(game);

        ClaimVerifier.Verify(game.Seed, MoveCodes.Encode(moves), ScoreOf(game))
            .ShouldBe(ClaimVerifier.Verify(game.Seed, moves, ScoreOf(game)));
        ClaimVerifier.Verify(game.Seed, MoveCodes.Encode([.. moves, Direction.Down]), 0)
            .ShouldBe(ClaimVerifier.Verify(game.Seed, [.. moves, Direction.Down], 0));
    }

    [Fact]
    public void verifying_allocates_nothing_per_move()
    {
        // No timing: the replay's cost is linear in the moves by construction, and what would make a long claim slow
        // is allocating per move. A 1400-move game and its first ten moves allocate exactly the same (the verdict's
        // direction counts), so a 100,000-move claim allocates no more either.
        var game = Strong;
        var moves = MovesOf(game);
        var prefix = moves[..10];
        var score = ScoreOf(game);
        var prefixScore = game.Moves.ElementAt(9).Score;
        ClaimVerifier.Verify(game.Seed, moves, score).IsVerified.ShouldBeTrue();
        ClaimVerifier.Verify(game.Seed, prefix, prefixScore).IsVerified.ShouldBeTrue();
        var whole = AllocatedBy(() => ClaimVerifier.Verify(game.Seed, moves, score));
        var first10 = AllocatedBy(() => ClaimVerifier.Verify(game.Seed, prefix, prefixScore));

        whole.ShouldBe(first10);
        whole.ShouldBeLessThan(100);
    }

    /// <summary>The fewest bytes of a few runs: the first runs of a method may allocate while the JIT tiers it up.</summary>
    private static long AllocatedBy(Func<ClaimVerdict> verify)
    {
        var fewest = long.MaxValue;
        for (var run = 0; run < 5; run++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            verify();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return fewest;
    }

    private static string Name(Direction direction) => direction.ToString().ToLowerInvariant();
}
