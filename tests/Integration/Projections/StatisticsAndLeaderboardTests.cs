using System.Globalization;
using System.Net;
using System.Text.Json;
using EventApi.Api.Features.Sessions;
using EventApi.Domain.Game;
using EventApi.Integration.Infrastructure;
using Marten;
using Marten.Events;

namespace EventApi.Integration.Projections;

public sealed class StatisticsAndLeaderboardTests(ApiFactory api) : ApiTest(api)
{
    private static readonly TimeSpan DaemonTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task statistics_daily_statistics_player_statistics_and_leaderboards_match_the_games_played()
    {
        var games = new List<PlayedGame>
        {
            await Client.PlayedSessionAsync("alice", 1, randomSeed: 1),
            await Client.PlayedSessionAsync("alice", 2, randomSeed: 2),
            await Client.PlayedSessionAsync("bob", 3, randomSeed: 3),
            await Client.PlayedSessionAsync("bob", 4, randomSeed: 4, maxMoves: 30, abandon: true),
            await Client.PlayedSessionAsync("carol", 5, randomSeed: 5, maxMoves: 12),
        };
        // Three games abandoned before any move tie on score and moves: the earlier finish ranks first.
        for (var i = 0; i < 3; i++) games.Add(await Client.PlayedSessionAsync($"quitter{i}", 6, randomSeed: 6, maxMoves: 0, abandon: true));

        await Api.Store.WaitForNonStaleProjectionDataAsync(DaemonTimeout);

        var finished = games.Where(g => g.Final.Status != SessionStatusName.Active).ToList();
        var stats = await GetData("/stats");
        stats.GetProperty("sessionsStarted").GetInt64().ShouldBe(games.Count);
        stats.GetProperty("sessionsOver").GetInt64().ShouldBe(games.Count(g => g.Final.Status == SessionStatusName.Over));
        stats.GetProperty("sessionsAbandoned").GetInt64().ShouldBe(games.Count(g => g.Final.Status == SessionStatusName.Abandoned));
        stats.GetProperty("finishedGames").GetInt64().ShouldBe(finished.Count);
        stats.GetProperty("bestFinalScore").GetInt64().ShouldBe(finished.Max(g => g.Final.Score));
        stats.GetProperty("averageFinalScore").GetDouble().ShouldBe(Math.Round(finished.Average(g => (double)g.Final.Score), 2));
        stats.GetProperty("claimsVerified").GetInt64().ShouldBe(0);
        stats.GetProperty("claimsRejected").GetInt64().ShouldBe(0);
        MovesShouldBe(stats.GetProperty("moves"), games.SelectMany(g => g.Moves));
        HistogramShouldBe(stats.GetProperty("maxTileHistogram"), finished);

        // Every event of these games happened today (UTC) or, across midnight, on the day its request was served.
        foreach (var day in games.SelectMany(g => g.Steps.Select(s => s.View.UpdatedAt).Append(g.Started.StartedAt)).Select(Day).Distinct())
        {
            var daily = await GetData($"/stats/daily/{day}");
            var startedThatDay = games.Count(g => Day(g.Started.StartedAt) == day);
            var finishedThatDay = finished.Where(g => Day(g.Final.UpdatedAt) == day).ToList();
            daily.GetProperty("sessionsStarted").GetInt64().ShouldBe(startedThatDay);
            daily.GetProperty("finishedGames").GetInt64().ShouldBe(finishedThatDay.Count);
            HistogramShouldBe(daily.GetProperty("maxTileHistogram"), finishedThatDay);
        }

        foreach (var player in games.GroupBy(g => g.Started.Player))
        {
            var stat = await GetData($"/players/{player.Key}/stats");
            var done = player.Where(g => g.Final.Status != SessionStatusName.Active).ToList();
            stat.GetProperty("games").GetInt64().ShouldBe(player.Count());
            stat.GetProperty("finishedGames").GetInt64().ShouldBe(done.Count);
            stat.GetProperty("bestScore").GetInt64().ShouldBe(done.Count == 0 ? 0 : done.Max(g => g.Final.Score));
            stat.GetProperty("bestTile").GetInt32().ShouldBe(done.Count == 0 ? 0 : done.Max(g => g.Final.MaxTile));
            stat.GetProperty("totalMoves").GetInt64().ShouldBe(done.Sum(g => g.Final.MoveCount));
        }

        var expected = finished
            .OrderByDescending(g => g.Final.Score).ThenBy(g => g.Final.MoveCount).ThenBy(g => g.Final.UpdatedAt)
            .Select(g => g.Started.Id).ToArray();
        var board = (await GetData($"/leaderboard?limit={expected.Length}")).EnumerateArray().ToArray();
        board.Select(e => e.GetProperty("gameId").GetGuid()).ShouldBe(expected);
        board.Select(e => e.GetProperty("rank").GetInt32()).ShouldBe(Enumerable.Range(1, expected.Length));
        board[0].GetProperty("score").GetInt32().ShouldBe(finished.Max(g => g.Final.Score));
        (await GetData("/leaderboard")).GetArrayLength().ShouldBe(Math.Min(10, expected.Length));
        (await GetData("/leaderboard?limit=2")).EnumerateArray().Select(e => e.GetProperty("gameId").GetGuid()).ShouldBe(expected.Take(2));
    }

    [Fact]
    public async Task every_answer_says_how_fresh_it_is()
    {
        await Client.PlayedSessionAsync("dana", 7, randomSeed: 7, maxMoves: 5);
        await Api.Store.WaitForNonStaleProjectionDataAsync(DaemonTimeout);

        foreach (var path in new[] { "/stats", "/stats/daily/2026-01-01", "/players/dana/stats", "/leaderboard", "/leaderboard/daily/2026-01-01" })
        {
            using var document = JsonDocument.Parse(await Client.GetStringAsync(path));
            var freshness = document.RootElement.GetProperty("freshness");
            freshness.GetProperty("projection").GetString().ShouldNotBeNullOrEmpty();
            var highWaterMark = freshness.GetProperty("highWaterMark").GetInt64();
            highWaterMark.ShouldBeGreaterThan(0, path);
            freshness.GetProperty("sequence").GetInt64().ShouldBe(highWaterMark, path);
            freshness.GetProperty("lag").GetInt64().ShouldBe(0, path);
        }
    }

    [Theory]
    [InlineData("/leaderboard?limit=0")]
    [InlineData("/leaderboard?limit=101")]
    [InlineData("/leaderboard/daily/2026-11-22?limit=-1")]
    public async Task a_leaderboard_limit_outside_1_to_100_is_a_400_problem(string path)
    {
        using var response = await Client.GetAsync(path);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "urn:eventapi:problem:validation-failed");
    }

    [Theory]
    [InlineData("/stats/daily/22-11-2026")]
    [InlineData("/stats/daily/2026-13-01")]
    [InlineData("/leaderboard/daily/yesterday")]
    [InlineData("/challenges/2026-02-30")]
    public async Task a_malformed_day_is_a_400_problem(string path)
    {
        using var response = await Client.GetAsync(path);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "urn:eventapi:problem:invalid-date");
    }

    [Fact]
    public async Task an_unknown_player_is_a_404_problem()
    {
        using var response = await Client.GetAsync("/players/nobody/stats");

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "urn:eventapi:problem:player-not-found");
    }

    [Fact]
    public async Task a_request_that_accepts_no_json_is_a_406_problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/stats");
        request.Headers.Accept.ParseAdd("text/html");

        using var response = await Client.SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotAcceptable, "urn:eventapi:problem:not-acceptable");
    }

    private async Task<JsonElement> GetData(string path)
    {
        using var response = await Client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("data").Clone();
    }

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static void MovesShouldBe(JsonElement moves, IEnumerable<Direction> played)
    {
        var counts = played.GroupBy(d => d).ToDictionary(g => g.Key, g => (long)g.Count());
        moves.GetProperty("up").GetInt64().ShouldBe(counts.GetValueOrDefault(Direction.Up));
        moves.GetProperty("right").GetInt64().ShouldBe(counts.GetValueOrDefault(Direction.Right));
        moves.GetProperty("down").GetInt64().ShouldBe(counts.GetValueOrDefault(Direction.Down));
        moves.GetProperty("left").GetInt64().ShouldBe(counts.GetValueOrDefault(Direction.Left));
        moves.GetProperty("total").GetInt64().ShouldBe(counts.Values.Sum());
    }

    private static void HistogramShouldBe(JsonElement histogram, IEnumerable<PlayedGame> finished)
    {
        var expected = finished.GroupBy(g => g.Final.MaxTile).ToDictionary(g => g.Key.ToString(CultureInfo.InvariantCulture), g => (long)g.Count());
        histogram.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64()).ShouldBe(expected, ignoreOrder: true);
    }
}
