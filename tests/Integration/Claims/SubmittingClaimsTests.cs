using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventApi.Api.Features.Claims;
using EventApi.Api.Infrastructure;
using EventApi.Domain.Claims;
using EventApi.Domain.Game;
using EventApi.Integration.Infrastructure;
using Marten;

namespace EventApi.Integration.Claims;

public sealed class SubmittingClaimsTests(ApiFactory api) : ApiTest(api)
{
    private const string ClaimRejected = "urn:eventapi:problem:claim-rejected";

    [Fact]
    public async Task a_verified_claim_is_201_with_the_replayed_game_and_get_shows_it()
    {
        var game = Scenarios.FinishedOfflineGame(20261122, randomSeed: 7);

        using var response = await Client.ClaimAsync(game.Seed, game.Moves, game.Game.Score, "carol");

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var claim = (await response.Content.ReadFromJsonAsync<ClaimResponse>(SessionsClient.Json))!;
        response.Headers.Location!.ToString().ShouldBe($"/claims/{claim.Id}");
        claim.Player.ShouldBe("carol");
        claim.Seed.ShouldBe(game.Seed);
        claim.Verdict.ShouldBe(ClaimVerdictName.Verified);
        claim.ClaimedScore.ShouldBe(game.Game.Score);
        claim.Replay.ShouldBeEquivalentTo(new ClaimReplayResponse
        {
            Board = game.Game.Board.ToRows(),
            Score = game.Game.Score,
            MoveCount = game.Moves.Count,
            MaxTile = game.Game.MaxTile,
            Won = game.Game.Won,
            Over = true,
        });
        claim.Reason.ShouldBeNull();
        claim.MoveIndex.ShouldBeNull();
        claim.Detail.ShouldBeNull();
        (await Client.GetClaimAsync(claim.Id)).ShouldBeEquivalentTo(claim);

        // The claim is its own stream, of one event that holds the moves in their compact form.
        await using var query = Api.Store.QuerySession();
        var verified = (await query.Events.FetchStreamAsync(claim.Id)).ShouldHaveSingleItem().Data.ShouldBeOfType<ClaimVerified>();
        verified.Moves.ShouldBe(string.Concat(game.Moves.Select(m => m[0])));
        verified.FinalScore.ShouldBe(game.Game.Score);
        verified.MovesByDirection.Total.ShouldBe(game.Moves.Count);
    }

    public static TheoryData<string> Tamperings() => ["one move changed", "score inflated by 4", "a no-op move inserted"];

    [Theory]
    [MemberData(nameof(Tamperings))]
    public async Task a_tampered_claim_is_a_422_naming_the_move_and_the_reason_and_is_still_recorded(string tampering)
    {
        var game = Scenarios.FinishedOfflineGame(4242, randomSeed: 11);
        var (moves, claimedScore, expectedIndex, expectedReason) = Tamper(game, tampering);

        using var response = await Client.ClaimAsync(game.Seed, moves, claimedScore);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, ClaimRejected);
        problem.MoveIndex.ShouldBe(expectedIndex);
        problem.Reason.ShouldBe(expectedReason);
        var replayed = ClaimVerifier.Verify(game.Seed, [.. moves.Select(m => InputRules.Directions[m])], (int)claimedScore);
        problem.ReplayedScore.ShouldBe(replayed.Game.Score);
        problem.Detail.ShouldBe(replayed.Detail);
        problem.ClaimId.ShouldNotBeNull();

        var claim = await Client.GetClaimAsync(problem.ClaimId!.Value);
        claim.Verdict.ShouldBe(ClaimVerdictName.Rejected);
        claim.Reason.ShouldBe(expectedReason);
        claim.MoveIndex.ShouldBe(expectedIndex);
        claim.Detail.ShouldBe(problem.Detail);
        claim.ClaimedScore.ShouldBe((int)claimedScore);
        claim.Replay.Score.ShouldBe(replayed.Game.Score);
        claim.Replay.Board.ShouldBe(replayed.Game.Board.ToRows());
        claim.ChallengeDay.ShouldBeNull();
        await using var query = Api.Store.QuerySession();
        (await query.Events.FetchStreamAsync(claim.Id)).ShouldHaveSingleItem().Data.ShouldBeOfType<ClaimRejected>();
    }

    [Fact]
    public async Task a_score_mismatch_names_no_move_and_says_so_with_a_null_move_index()
    {
        var game = Scenarios.FinishedOfflineGame(99, randomSeed: 3);

        using var response = await Client.ClaimAsync(game.Seed, game.Moves, game.Game.Score + 4);

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("moveIndex").ValueKind.ShouldBe(JsonValueKind.Null);
        body.RootElement.GetProperty("reason").GetString().ShouldBe("score-mismatch");
        body.RootElement.GetProperty("replayedScore").GetInt32().ShouldBe(game.Game.Score);
    }

    [Fact]
    public async Task a_claim_of_100000_moves_is_accepted_and_rejected_at_the_first_move_after_the_game_is_over()
    {
        var game = Scenarios.FinishedOfflineGame(31337, randomSeed: 5);
        var moves = game.Moves.Concat(Enumerable.Repeat("left", SubmitClaimRequest.MaxMoves - game.Moves.Count)).ToArray();
        using var request = ClaimsClient.ClaimRequest(new { player = "alice", seed = game.Seed, moves, claimedScore = game.Game.Score });
        request.Content!.Headers.ContentLength.ShouldNotBeNull().ShouldBeGreaterThan(HostSetup.DefaultMaxRequestBodyBytes);

        using var response = await Client.SendAsync(request);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, ClaimRejected);
        problem.MoveIndex.ShouldBe(game.Moves.Count);
        problem.Reason.ShouldBe(ClaimVerifier.GameAlreadyOver);
        problem.ReplayedScore.ShouldBe(game.Game.Score);
        var claim = await Client.GetClaimAsync(problem.ClaimId!.Value);
        claim.Replay.MoveCount.ShouldBe(game.Moves.Count);
        claim.Replay.Over.ShouldBeTrue();
        await using var query = Api.Store.QuerySession();
        var rejected = (await query.Events.FetchStreamAsync(claim.Id)).ShouldHaveSingleItem().Data.ShouldBeOfType<ClaimRejected>();
        rejected.Moves.Length.ShouldBe(SubmitClaimRequest.MaxMoves);
    }

    [Fact]
    public async Task retrying_a_claim_with_the_same_key_returns_the_first_answer_and_records_one_claim()
    {
        var game = Scenarios.FinishedOfflineGame(5, randomSeed: 5);
        var key = Guid.NewGuid().ToString();

        using var first = await Client.ClaimAsync(game.Seed, game.Moves, game.Game.Score, idempotencyKey: key);
        using var retry = await Client.ClaimAsync(game.Seed, game.Moves, game.Game.Score, idempotencyKey: key);

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        retry.StatusCode.ShouldBe(HttpStatusCode.Created);
        retry.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        retry.Headers.Location.ShouldBe(first.Headers.Location);
        (await retry.Content.ReadAsStringAsync()).ShouldBe(await first.Content.ReadAsStringAsync());
        (await ClaimStreams()).ShouldBe(1);

        using var reused = await Client.ClaimAsync(game.Seed, game.Moves, game.Game.Score + 2, idempotencyKey: key);
        await reused.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "urn:eventapi:problem:idempotency-key-reused");
        (await ClaimStreams()).ShouldBe(1);
    }

    [Fact]
    public async Task retrying_a_rejected_claim_with_the_same_key_returns_the_same_rejection_and_records_one_claim()
    {
        var game = Scenarios.FinishedOfflineGame(6, randomSeed: 6);
        var key = Guid.NewGuid().ToString();

        using var first = await Client.ClaimAsync(game.Seed, game.Moves, game.Game.Score + 4, idempotencyKey: key);
        using var retry = await Client.ClaimAsync(game.Seed, game.Moves, game.Game.Score + 4, idempotencyKey: key);

        var rejected = await first.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, ClaimRejected);
        var replayed = await retry.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, ClaimRejected);
        retry.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        replayed.ClaimId.ShouldBe(rejected.ClaimId);
        replayed.Reason.ShouldBe(rejected.Reason);
        replayed.Detail.ShouldBe(rejected.Detail);
        // The first answer again, to the byte: instance and trace id included.
        var body = await first.Content.ReadAsStringAsync();
        (await retry.Content.ReadAsStringAsync()).ShouldBe(body);
        var problem = JsonNode.Parse(body)!;
        problem["instance"]!.GetValue<string>().ShouldBe("/claims");
        problem["traceId"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        (await ClaimStreams()).ShouldBe(1);
    }

    [Fact]
    public async Task an_unknown_claim_is_a_404_problem()
    {
        using var unknown = await Client.GetAsync($"/claims/{Guid.NewGuid()}");
        await unknown.ShouldBeProblemAsync(HttpStatusCode.NotFound, "urn:eventapi:problem:claim-not-found");

        using var notAnId = await Client.GetAsync("/claims/not-a-guid");
        await notAnId.ShouldBeProblemAsync(HttpStatusCode.NotFound, "urn:eventapi:problem:not-found");
    }

    /// <summary>The tampered claim and the index and reason its rejection must name.</summary>
    private static (string[] Moves, long ClaimedScore, int? MoveIndex, string Reason) Tamper(OfflineGame game, string tampering)
    {
        var moves = game.Moves.ToArray();
        var directions = moves.Select(m => InputRules.Directions[m]).ToArray();
        switch (tampering)
        {
            case "score inflated by 4":
                return (moves, game.Game.Score + 4, null, ClaimVerifier.ScoreMismatch);
            case "a no-op move inserted":
            {
                // From move 20 on, the first point where some direction moves nothing, and that direction, inserted there.
                var state = Engine.Start(game.Seed, out _, out _);
                for (var i = 0; ; i++)
                {
                    var noOp = i < 20 ? null : Enum.GetValues<Direction>().Cast<Direction?>().FirstOrDefault(d =>
                    {
                        var probe = state;
                        return !Engine.TryMove(ref probe, d!.Value, [], out _);
                    });
                    if (noOp is { } direction)
                        return ([.. moves[..i], Moves.NameOf(direction), .. moves[i..]], game.Game.Score, i, ClaimVerifier.MoveChangesNothing);
                    Engine.TryMove(ref state, directions[i], [], out _).ShouldBeTrue();
                }
            }
            case "one move changed":
            {
                // Move 5 goes another way that also moves a tile: the game it leads to is what refutes the claim.
                const int changed = 5;
                var state = Engine.Start(game.Seed, out _, out _);
                foreach (var direction in directions[..changed]) Engine.TryMove(ref state, direction, [], out _);
                var other = Enum.GetValues<Direction>().First(d =>
                {
                    var probe = state;
                    return d != directions[changed] && Engine.TryMove(ref probe, d, [], out _);
                });
                moves[changed] = Moves.NameOf(other);
                var verdict = ClaimVerifier.Verify(game.Seed, [.. moves.Select(m => InputRules.Directions[m])], game.Game.Score);
                verdict.IsVerified.ShouldBeFalse("precondition: the changed game does not end with the same score");
                (verdict.MoveIndex ?? int.MaxValue).ShouldBeGreaterThan(changed);
                return (moves, game.Game.Score, verdict.MoveIndex, verdict.Reason!);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(tampering), tampering, "Unknown tampering.");
        }
    }

    private async Task<int> ClaimStreams()
    {
        await using var query = Api.Store.QuerySession();
        return await query.Query<EventApi.Projections.Claims.ClaimView>().CountAsync();
    }
}
