using System.Text.Json;
using EventApi.Domain.Claims;
using EventApi.Domain.Game;

namespace EventApi.Unit;

/// <summary>When a claim is submitted, then one event: verified or rejected; folding it gives back the claim.</summary>
public sealed class ClaimDeciderTests
{
    private static readonly Guid Id = new("0195f1c4-7b3e-7d2a-8c51-3e8f9a6b7d21");
    private static readonly DateTimeOffset At = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Day = new(2026, 11, 22);

    private static ReferenceGame Game => ReferenceGames.All.First(g => g.Moves.Last().Over);

    private static Direction[] Moves => [.. Game.Moves.Select(s => s.Direction)];

    private static int Score => Game.Moves.Last().Score;

    [Fact]
    public void a_claim_the_replay_confirms_is_recorded_as_verified_with_the_replayed_result()
    {
        var decision = ClaimDecider.Decide(new SubmitClaim(Id, "ada", Game.Seed, Moves, Score, Day, At));

        var verified = decision.Event.ShouldBeOfType<ClaimVerified>();
        var replay = ClaimVerifier.Verify(Game.Seed, Moves, Score);
        verified.ShouldBeEquivalentTo(new ClaimVerified(Id, "ada", Game.Seed, MoveCodes.Encode(Moves), Score,
            Score, replay.Game.MaxTile, Moves.Length, replay.Game.Won, true, replay.MovesByDirection, Day, At));
        verified.MovesByDirection.Total.ShouldBe(Moves.Length);

        decision.State.Verified.ShouldBeTrue();
        decision.State.Replay.ShouldBe(replay.Game);
        decision.State.ChallengeDay.ShouldBe(Day);
        decision.State.Reason.ShouldBeNull();
        decision.State.SubmittedAt.ShouldBe(At);
    }

    [Fact]
    public void a_claim_the_replay_refutes_is_recorded_as_rejected_with_where_and_why()
    {
        var decision = ClaimDecider.Decide(new SubmitClaim(Id, "ada", Game.Seed, [.. Moves, Direction.Right], Score, Day, At));

        var rejected = decision.Event.ShouldBeOfType<ClaimRejected>();
        rejected.ShouldBe(new ClaimRejected(Id, "ada", Game.Seed, MoveCodes.Encode([.. Moves, Direction.Right]), Score,
            Moves.Length, ClaimVerifier.GameAlreadyOver,
            $"Move {Moves.Length} (right) cannot be played: the game was over after move {Moves.Length - 1}.", Score, At));

        decision.State.Verified.ShouldBeFalse();
        decision.State.MoveIndex.ShouldBe(Moves.Length);
        decision.State.Reason.ShouldBe(ClaimVerifier.GameAlreadyOver);
        decision.State.Detail.ShouldBe(rejected.Detail);
        decision.State.ChallengeDay.ShouldBeNull("only a verified claim counts for a challenge");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void folding_the_recorded_event_after_a_json_round_trip_gives_back_the_decided_claim(int inflation)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var decision = ClaimDecider.Decide(new SubmitClaim(Id, "ada", Game.Seed, Moves, Score + inflation, Day, At));
        var stored = JsonSerializer.Deserialize(JsonSerializer.Serialize(decision.Event, decision.Event.GetType(), options),
            decision.Event.GetType(), options)!;

        var folded = ClaimDecider.Evolve(null, stored);

        folded.ShouldBe(decision.State);
        JsonSerializer.Deserialize<ClaimState>(JsonSerializer.Serialize(folded, options), options).ShouldBe(decision.State);
    }

    [Fact]
    public void an_event_a_claim_does_not_know_changes_nothing()
    {
        var state = ClaimDecider.Decide(new SubmitClaim(Id, "ada", Game.Seed, Moves, Score, null, At)).State;

        ClaimDecider.Evolve(state, new object()).ShouldBeSameAs(state);
    }
}
