using System.Text.Json;
using EventApi.Domain.Game;
using EventApi.Domain.Sessions;

namespace EventApi.Unit;

/// <summary>The session state is stored as JSON (the inline view); a round trip must give back the same state,
/// generator included, or the next move spawns somewhere else.</summary>
public sealed class StateSerializationTests
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    [Fact]
    public void a_generator_keeps_its_state_through_json()
    {
        var rng = new Mulberry32(12345);
        rng.NextDouble();

        var copy = JsonSerializer.Deserialize<Mulberry32>(JsonSerializer.Serialize(rng, Options), Options);

        copy.State.ShouldBe(rng.State);
        copy.NextDouble().ShouldBe(rng.NextDouble());
    }

    [Fact]
    public void a_session_state_in_mid_game_survives_a_json_round_trip()
    {
        var id = Guid.Parse("0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10");
        var at = DateTimeOffset.Parse("2026-11-22T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var state = SessionState.Initial;
        foreach (var e in SessionDecider.Decide(StartSession.Sealed(id, "alice", Enumerable.Range(1, GameRandom.SecretBytes).Select(i => (byte)i).ToArray(), null, at), state).Events)
            state = SessionDecider.Evolve(state, e);
        var moves = Enum.GetValues<Direction>().Concat(Enum.GetValues<Direction>()).ToArray();
        foreach (var direction in moves)
        {
            var decision = SessionDecider.Decide(new MakeMoves([direction], at), state);
            if (decision.IsAccepted) state = decision.Events.Aggregate(state, SessionDecider.Evolve);
        }

        var copy = JsonSerializer.Deserialize<SessionState>(JsonSerializer.Serialize(state, Options), Options)!;

        copy.ShouldBe(state);
        copy.Game.Rng.State.ShouldBe(state.Game.Rng.State);
        copy.Game.MoveCount.ShouldBeGreaterThan(0);
    }
}
