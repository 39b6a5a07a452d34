using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using EventApi.Domain.Challenges;
using EventApi.Integration.Infrastructure;
using Marten;
using Marten.Events;

namespace EventApi.Integration.Claims;

/// <summary>What the async daemon makes of claims: statistics count both verdicts, and verified claims are finished
/// games on the leaderboards.</summary>
public sealed class ClaimProjectionTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task once_the_daemon_caught_up_stats_count_both_verdicts_and_the_leaderboard_lists_the_verified_claim()
    {
        var game = Scenarios.FinishedOfflineGame(777, randomSeed: 1);
        var verified = await Client.ClaimVerifiedAsync(game, "dora");
        using (var rejected = await Client.ClaimAsync(game.Seed, game.Moves, game.Game.Score + 4, "eve"))
            rejected.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);

        await Api.Store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));

        using var stats = await GetJsonAsync("/stats");
        var data = stats.RootElement.GetProperty("data");
        data.GetProperty("claimsVerified").GetInt64().ShouldBe(1);
        data.GetProperty("claimsRejected").GetInt64().ShouldBe(1);
        data.GetProperty("finishedGames").GetInt64().ShouldBe(1);
        data.GetProperty("moves").GetProperty("total").GetInt64().ShouldBe(game.Moves.Count);

        using var leaderboard = await GetJsonAsync("/leaderboard");
        var entry = leaderboard.RootElement.GetProperty("data").EnumerateArray().ShouldHaveSingleItem();
        entry.GetProperty("gameId").GetGuid().ShouldBe(verified.Id);
        entry.GetProperty("source").GetString().ShouldBe("claim");
        entry.GetProperty("player").GetString().ShouldBe("dora");
        entry.GetProperty("score").GetInt32().ShouldBe(game.Game.Score);
        entry.GetProperty("moveCount").GetInt32().ShouldBe(game.Moves.Count);
    }

    [Fact]
    public async Task a_verified_claim_with_the_days_challenge_seed_counts_for_that_days_leaderboard()
    {
        var today = DailyChallenge.DayOf(DateTimeOffset.UtcNow);
        var seed = DailyChallenge.SeedFor(today, Encoding.UTF8.GetBytes(ApiFactory.ChallengeSecret));
        var game = Scenarios.FinishedOfflineGame(seed, randomSeed: 2);

        var claim = await Client.ClaimVerifiedAsync(game);

        // Submitted just after midnight UTC, the seed is the previous day's and plays no challenge.
        var day = DailyChallenge.DayOf(claim.SubmittedAt);
        claim.ChallengeDay.ShouldBe(day == today ? today : null);
        await Api.Store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        using var daily = await GetJsonAsync($"/leaderboard/daily/{today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}");
        var ids = daily.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("gameId").GetGuid());
        ids.ShouldBe(day == today ? [claim.Id] : []);
    }

    private async Task<JsonDocument> GetJsonAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body);
    }
}
