using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using EventApi.Api.Features.Challenges;
using EventApi.Domain.Challenges;
using EventApi.Integration.Infrastructure;
using Marten.Events;

namespace EventApi.Integration.Projections;

public sealed class ChallengeTests(ApiFactory api) : ApiTest(api)
{
    private static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task todays_challenge_is_the_seed_derived_from_the_day_and_the_server_secret()
    {
        var challenge = await Client.GetFromJsonAsync<ChallengeResponse>($"/challenges/{Today}", SessionsClient.Json);

        challenge!.Day.ShouldBe(Today);
        challenge.Seed.ShouldBe(DailyChallenge.SeedFor(DateOnly.ParseExact(Today, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            Encoding.UTF8.GetBytes(ApiFactory.ChallengeSecret)));
        var yesterday = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        (await Client.GetFromJsonAsync<ChallengeResponse>($"/challenges/{yesterday}", SessionsClient.Json))!.Seed.ShouldNotBe(challenge.Seed);
    }

    [Fact]
    public async Task a_future_days_challenge_is_not_handed_out()
    {
        var tomorrow = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        using var response = await Client.GetAsync($"/challenges/{tomorrow}");

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "urn:eventapi:problem:challenge-not-available");
    }

    [Fact]
    public async Task sessions_started_with_todays_seed_count_for_todays_leaderboard_and_others_do_not()
    {
        var seed = (uint)(await Client.GetFromJsonAsync<ChallengeResponse>($"/challenges/{Today}", SessionsClient.Json))!.Seed;
        var challenger = await Client.PlayedSessionAsync("challenger", seed, randomSeed: 1, maxMoves: 20, abandon: true);
        var other = await Client.PlayedSessionAsync("other", seed + 1, randomSeed: 1, maxMoves: 20, abandon: true);
        await Api.Store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));

        var daily = await Client.GetFromJsonAsync<DailyBoard>($"/leaderboard/daily/{Today}", SessionsClient.Json);
        daily!.Data.Select(e => e.GameId).ShouldBe([challenger.Started.Id]);
        var overall = await Client.GetFromJsonAsync<DailyBoard>("/leaderboard", SessionsClient.Json);
        overall!.Data.Select(e => e.GameId).ShouldBe([challenger.Started.Id, other.Started.Id], ignoreOrder: true);
    }

    private sealed record DailyBoard(EventApi.Api.Features.Leaderboards.LeaderboardEntry[] Data);
}
