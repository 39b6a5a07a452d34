using System.Text.Json;
using System.Text.Json.Nodes;
using EventApi.Domain.Claims;
using EventApi.Domain.Game;
using EventApi.Domain.Sessions;

namespace EventApi.Unit.Vectors;

/// <summary>
/// The C# engine replays the games the JavaScript engine played (tests/vectors/js-engine-vectors.json, written by
/// tests/js/js-engine-vectors.mjs): through the decider, each move's event, milestones and game over, and the fold's
/// board and score after it; the commitments and keyed draws too.
/// </summary>
public class JsEngineVectorTests
{
    private const string FileName = "js-engine-vectors.json";
    private static readonly DateTimeOffset At = new(2026, 1, 2, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<int, string> Games()
    {
        var data = new TheoryData<int, string>();
        var games = VectorFiles.Read(FileName)["games"]!.AsArray();
        for (var i = 0; i < games.Count; i++) data.Add(i, $"{games[i]!["policy"]} {games[i]!["seed"]?.ToString() ?? "sealed"}");
        return data;
    }

    [Theory]
    [MemberData(nameof(Games))]
    public void the_engine_plays_the_javascript_engines_game_move_for_move(int index, string game)
    {
        var vector = VectorFiles.Read(FileName)["games"]![index]!;
        var id = Guid.Parse((string)vector["sessionId"]!);
        var seed = (uint?)vector["seed"];
        var secret = (string?)vector["secret"];

        var started = SessionDecider.Decide(
            secret is null
                ? StartSession.Open(id, "js", seed!.Value, null, At)
                : StartSession.Sealed(id, "js", Convert.FromHexString(secret), null, At),
            SessionState.Initial);
        started.IsAccepted.ShouldBeTrue(started.Rejection?.Detail);
        var start = started.Events.OfType<SessionStarted>().Single();
        start.Spawned.ShouldBe(Tiles(vector["start"]), $"{game}: the start's spawns");
        start.SeedCommitment.ShouldBe((string)vector["commitment"]!, $"{game}: the commitment");
        if (secret is not null)
        {
            var draws = vector["keyedDraws"]!.AsArray().Select(d => (double)d!).ToArray();
            for (var i = 0; i < draws.Length; i++) GameRandom.KeyedDraw(Convert.FromHexString(secret), (ulong)i).ShouldBe(draws[i], $"{game}: draw {i}");
        }

        var state = SessionDecider.Fold(started.Events);
        var steps = vector["steps"]!.AsArray();
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i]!;
            var refused = step is JsonValue;
            var direction = MoveCodes.Decode(((string)(refused ? step : step[0])!)[0]);
            var at = $"{game}, step {i} ({direction}) from {state.Game.Board}";
            var decision = SessionDecider.Decide(new MakeMoves([direction], At), state);

            if (refused)
            {
                decision.Rejection.ShouldNotBeNull(at).Code.ShouldBe(Rejection.MoveChangesNothing, at);
                continue;
            }

            decision.IsAccepted.ShouldBeTrue(at);
            var moved = decision.Events.OfType<TilesMoved>().Single();
            state = decision.Events.Aggregate(state, SessionDecider.Evolve);
            state.Game.Board.ToRows().ShouldBe(step[1].Deserialize<int[][]>(), at);
            state.Game.Score.ShouldBe((int)step[2]!, at);
            moved.ScoreGained.ShouldBe((int)step[3]!, at);
            moved.Merged.ShouldBe(Tiles(step[4]), at);
            moved.Spawned.ShouldBe(Tiles(new JsonArray(step[5]!.DeepClone())).Single(), at);
            decision.Events.OfType<MilestoneReached>().Select(m => m.Tile).ShouldBe(step[6]!.AsArray().Select(t => (int)t!), at);
            decision.Events.OfType<GameOver>().Any().ShouldBe((bool)step[7]!, at);
            (state.Status == SessionStatus.Over).ShouldBe((bool)step[7]!, at);
        }
    }

    private static Tile[] Tiles(JsonNode? tiles) =>
        [.. tiles!.AsArray().Select(t => new Tile((int)t!["x"]!, (int)t["y"]!, (int)t["value"]!))];
}
