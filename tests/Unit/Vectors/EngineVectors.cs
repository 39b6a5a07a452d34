using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventApi.Api.Features.Sessions;
using EventApi.Domain.Claims;
using EventApi.Domain.Game;
using EventApi.Domain.Sessions;
using JasperFx.Events;

namespace EventApi.Unit.Vectors;

/// <summary>
/// The vectors the C# engine writes for the JavaScript engine (tests/vectors/engine-vectors.json, replayed by
/// tests/js/engine-vectors.test.mjs): Mulberry32 and keyed draws, commitments, and whole sessions played through the
/// decider, with every event as GET /sessions/{id}/events shows it and the view GET /sessions/{id} answers after each
/// move.
/// </summary>
internal static class EngineVectors
{
    public const string FileName = "engine-vectors.json";

    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Seed 8, played by a depth-1 expectimax over a snake-weighted board (found offline with the JavaScript engine,
    /// over seeds 1 to 80: the shortest game that reaches 2048), with a move that moves nothing tried before every 97th
    /// move when there is one. It makes 512, 1024 and 2048 (move 1005), plays on, and is over at move 1155.
    /// </summary>
    private const string Seed8To2048AndOver =
        "lulluuuluuullluuurululuuulrluruuuluruluulullluuurlruluuuurlruruuuurlruuullulurulldduruuluurulrluurru" +
        "rulurururuululuurrululruuuulrulurullrurrululrldulluululuruluurururruruluuurruuluulurluluuurluuruluru" +
        "ulruuruururrlulllrurruruurulrurluurrullrulullurrrrluuluulullururrulrrlrururluuruullurlrruuuuluulrulu" +
        "lluuuluruururuuruuullulururuurrurrrrurururrulrulrurulluuuuulururlrurulurururuululurrlrullruuururruuu" +
        "urulruruluuuuruuullululuurururrulrrulururruuuururuulurululuurlrluurrrululllullluuuluururluruulurulur" +
        "uurrululruurlruruuururuluruulurruluurulrulururuuururlruluulllurururruuuuruuuuurrrululuurrrrruulurlru" +
        "lrullululrrululrululrluuruuuluruluruluulurulrlruruluruurrurlrulrululurrurrrruuuruluuuruuluruulluulur" +
        "rurluluururuullulururuururluuruurrrurrrrurruruuulurrrulruururuuuurrurrrurruurlruulllururrrrrurrurulu" +
        "rululuururluululuurrrrruulurlururrrullurururuuuluuulruuluruuruuuluurrrururruluuluulrulurulullrulrlul" +
        "rulullullulululurruuuuuuruuululllurululuuuuluurulluluurullrluulrurlulurululululrlrrururulrllluluruur" +
        "uldlullurudulduluuruuuulrdlurulurulrluruurululruullurururuuuurururuuuruuulullrlulrluldurulrulldlruul" +
        "rlururuuuuuuruuuluurlulddllurulrlurluulurulullluruluurulrl";

    private static readonly uint[] Seeds = [0, 1, 12345, 4294967295, 2654435761];

    private static readonly string[] Secrets =
    [
        Convert.ToHexStringLower([.. Enumerable.Range(1, GameRandom.SecretBytes).Select(i => (byte)i)]),
        SecretOf("vectors: a sealed game"),
        new('f', GameRandom.SecretBytes * 2),
    ];

    public static string Write()
    {
        var text = new StringBuilder("{\n");
        text.Append("  \"about\": ").Append(VectorFiles.Line(JsonValue.Create(
            "Written by the C# engine (tests/Unit/Vectors/EngineVectors.cs) and replayed by the JavaScript engine " +
            "(tests/js/engine-vectors.test.mjs). Do not edit: EngineVectorTests fails when this file is not what the " +
            "engine makes now; rewrite it with EVENTAPI_WRITE_VECTORS=1 dotnet test tests/Unit --filter EngineVectorTests."))).Append(",\n");
        text.Append("  \"mulberry32\": ").Append(VectorFiles.Lines(Seeds.Select(Mulberry32Draws), "  ")).Append(",\n");
        text.Append("  \"keyed\": ").Append(VectorFiles.Lines(Secrets.Select(KeyedDraws), "  ")).Append(",\n");
        text.Append("  \"commitments\": ").Append(VectorFiles.Lines(Commitments(), "  ")).Append(",\n");
        text.Append("  \"sessions\": [\n");
        text.AppendJoin(",\n", Sessions().Select(WriteSession));
        text.Append("\n  ]\n}\n");
        return text.ToString();
    }

    private static JsonNode Mulberry32Draws(uint seed)
    {
        var rng = new Mulberry32(seed);
        var draws = new JsonArray();
        for (var i = 0; i < 8; i++) draws.Add(rng.NextDouble());
        return new JsonObject { ["seed"] = seed, ["draws"] = draws, ["state"] = rng.State };
    }

    private static JsonNode KeyedDraws(string secret)
    {
        var draws = new JsonArray();
        for (var i = 0ul; i < 8; i++) draws.Add(GameRandom.KeyedDraw(Convert.FromHexString(secret), i));
        return new JsonObject { ["secret"] = secret, ["draws"] = draws };
    }

    private static IEnumerable<JsonNode> Commitments()
    {
        var id = new Guid("0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10");
        foreach (var seed in Seeds)
            yield return new JsonObject { ["sessionId"] = id, ["of"] = seed, ["commitment"] = SessionDecider.SeedCommitment(id, seed) };
        foreach (var secret in Secrets)
            yield return new JsonObject { ["sessionId"] = id, ["of"] = secret, ["commitment"] = SessionDecider.SeedCommitment(id, secret) };
    }

    /// <summary>A session of the vectors: how it starts, the moves tried in order, and the move count at which it is
    /// abandoned (none: it is played until it is over or the moves run out).</summary>
    private sealed record SessionPlan(string Name, Guid Id, string Player, Func<DateTimeOffset, object> Start,
        IEnumerable<Direction> Moves, int? AbandonAt = null);

    private static IEnumerable<SessionPlan> Sessions()
    {
        yield return new SessionPlan(
            "open, seed 8: reaches 2048 and plays on to game over, with moves that move nothing refused",
            new Guid("00000000-0000-4000-8000-000000000008"), "ada",
            at => Accepted(StartSession.Open(new Guid("00000000-0000-4000-8000-000000000008"), "ada", 8, "https://example.org/hook", at)),
            Seed8To2048AndOver.Select(MoveCodes.Decode));

        yield return new SessionPlan(
            "open, seed 0: moves at random to game over",
            new Guid("00000000-0000-4000-8000-000000000000"), "bob",
            at => Accepted(StartSession.Open(new Guid("00000000-0000-4000-8000-000000000000"), "bob", 0, null, at)),
            RandomMoves(1, 1000));

        yield return new SessionPlan(
            "open, seed 4294967295, a daily challenge: moves at random, abandoned after 40 moves",
            new Guid("00000000-0000-4000-8000-0000ffffffff"), "cyd",
            at => Accepted(StartSession.Open(new Guid("00000000-0000-4000-8000-0000ffffffff"), "cyd", 4294967295, null, at,
                DateOnly.FromDateTime(at.UtcDateTime))),
            RandomMoves(2, 1000), AbandonAt: 40);

        yield return new SessionPlan(
            "sealed (hmac-sha256): moves at random to game over",
            new Guid("00000000-0000-4000-8000-00000000a001"), "dee",
            at => Accepted(StartSession.Sealed(new Guid("00000000-0000-4000-8000-00000000a001"), "dee",
                Convert.FromHexString(Secrets[1]), "https://example.org/hook", at)),
            RandomMoves(3, 1000));

        yield return new SessionPlan(
            "sealed (hmac-sha256): moves at random, abandoned after 30 moves",
            new Guid("00000000-0000-4000-8000-00000000a002"), "eve",
            at => Accepted(StartSession.Sealed(new Guid("00000000-0000-4000-8000-00000000a002"), "eve",
                Convert.FromHexString(Secrets[0]), null, at)),
            RandomMoves(4, 1000), AbandonAt: 30);

        yield return new SessionPlan(
            "sealed before secrets existed (mulberry32 on seed 12345, the first version of the events): moves at random to game over",
            new Guid("00000000-0000-4000-8000-00000000b001"), "fay",
            at => SealedOnASeed(new Guid("00000000-0000-4000-8000-00000000b001"), "fay", 12345, at),
            RandomMoves(5, 1000));
    }

    /// <summary>Directions drawn by a 32-bit LCG of its own (Numerical Recipes), all four alike, so that some move
    /// nothing.</summary>
    private static IEnumerable<Direction> RandomMoves(uint seed, int count)
    {
        var s = seed;
        for (var i = 0; i < count; i++)
        {
            s = unchecked(s * 1664525 + 1013904223);
            yield return (Direction)((s >> 8) % 4);
        }
    }

    private static object Accepted(StartSession command)
    {
        var decision = SessionDecider.Decide(command, SessionState.Initial);
        decision.IsAccepted.ShouldBeTrue(decision.Rejection?.Detail);
        return decision.Events.Single();
    }

    /// <summary>A session sealed on a 32-bit seed, as the first version of the start event recorded it and the store
    /// upcasts it.</summary>
    private static SessionStarted SealedOnASeed(Guid id, string player, uint seed, DateTimeOffset at)
    {
        Engine.Start(seed, out var first, out var second);
        return new SessionStartedV1(id, player, seed, true, SessionDecider.SeedCommitment(id, seed), null, [first, second], at).Upcast();
    }

    /// <summary>One step: a move refused, or the events a command appended and the view after them.</summary>
    private sealed record Step(string? Direction, string? Refused, bool Abandon, IReadOnlyList<IEvent> Events, JsonNode? View);

    private static string WriteSession(SessionPlan plan)
    {
        var at = T0;
        var started = Stored(plan.Start(at), 1, at);
        var state = SessionDecider.Evolve(SessionState.Initial, started.Data);
        var whileActive = state;
        var steps = new List<Step>();

        foreach (var direction in plan.Moves)
        {
            if (state.Status != SessionStatus.Active) break;
            at = at.AddSeconds(1);
            if (plan.AbandonAt == state.Game.MoveCount)
            {
                state = Append(steps, null, SessionDecider.Decide(new AbandonSession(at), state), state, at);
                break;
            }

            var decision = SessionDecider.Decide(new MakeMoves([direction], at), state);
            if (decision.Rejection is { } rejection)
            {
                rejection.Code.ShouldBe(Rejection.MoveChangesNothing, rejection.Detail);
                steps.Add(new Step(SessionDecider.Name(direction), rejection.Code, false, [], null));
                continue;
            }

            state = Append(steps, direction, decision, state, at);
        }

        if (plan.AbandonAt is null) state.Status.ShouldBe(SessionStatus.Over, plan.Name);

        // The events as GET /sessions/{id}/events shows them now that the session has ended; the start as it showed
        // while the session was active (a sealed session's secret redacted).
        var start = new JsonObject
        {
            ["events"] = new JsonArray(Public(started, state)),
            ["view"] = View(1, SessionDecider.Evolve(SessionState.Initial, started.Data)),
            ["startedWhileActive"] = Public(started, whileActive),
        };
        var lines = steps.Select(step => step.Refused is not null
            ? new JsonObject { ["direction"] = step.Direction, ["refused"] = step.Refused }
            : new JsonObject
            {
                [step.Abandon ? "abandon" : "direction"] = step.Abandon ? JsonValue.Create(true) : JsonValue.Create(step.Direction),
                ["events"] = new JsonArray([.. step.Events.Select(e => Public(e, state))]),
                ["view"] = step.View,
            });

        var head = new JsonObject { ["name"] = plan.Name, ["sessionId"] = plan.Id, ["player"] = plan.Player, ["start"] = start };
        return "    " + VectorFiles.WithLines(head, "steps", lines, "    ");
    }

    private static SessionState Append(List<Step> steps, Direction? direction, Decision decision, SessionState state, DateTimeOffset at)
    {
        decision.IsAccepted.ShouldBeTrue(decision.Rejection?.Detail);
        var version = (long)steps.Sum(s => s.Events.Count) + 1;
        var stored = decision.Events.Select(e => Stored(e, ++version, at)).ToList();
        var next = decision.Events.Aggregate(state, SessionDecider.Evolve);
        steps.Add(new Step(direction is { } d ? SessionDecider.Name(d) : null, null, direction is null, stored, View(version, next)));
        return next;
    }

    /// <summary>The event as the store holds it: a stream of its own, so its sequence is its version.</summary>
    private static IEvent Stored(object data, long version, DateTimeOffset at)
    {
        var e = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(data.GetType()), data)!;
        e.Version = version;
        e.Sequence = version;
        e.Timestamp = at;
        return e;
    }

    private static JsonNode Public(IEvent e, SessionState now) =>
        JsonSerializer.SerializeToNode(SessionEventResponse.From(e, now, VectorFiles.ApiJson), VectorFiles.ApiJson)!;

    private static JsonNode View(long version, SessionState state) =>
        JsonSerializer.SerializeToNode(SessionResponse.From(version, state), VectorFiles.ApiJson)!;

    private static string SecretOf(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
