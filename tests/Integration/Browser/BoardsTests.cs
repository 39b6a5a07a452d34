using EventApi.Integration.Infrastructure;
using Microsoft.Playwright;

namespace EventApi.Integration.Browser;

public sealed class BoardsTests(BrowserApiFactory api, Chromium chromium) : BrowserTest(api, chromium)
{
    [Fact]
    public async Task Leaderboards_and_statistics_show_the_projections_with_their_freshness()
    {
        var (first, _) = await Client.SessionWithMovesAsync("alice", 11, 40);
        var (second, _) = await Client.SessionWithMovesAsync("bob", 12, 20);
        await Api.WaitForProjectionsAsync();
        var alice = await Client.GetSessionAsync(first);
        var bob = await Client.GetSessionAsync(second);
        // The leaderboard's order: score, then fewer moves.
        var ranked = new[] { alice, bob }.OrderByDescending(s => s.Score).ThenBy(s => s.MoveCount).ToArray();
        var (winner, runnerUp) = (ranked[0], ranked[1]);

        var page = await OpenAsync("#/leaderboard");
        var allTime = page.Locator("[data-board=all]");
        await Expect(allTime.Locator(".freshness")).ToContainTextAsync("Up to date: the leaderboard projection has read every event");
        await Expect(allTime.Locator("tbody tr")).ToHaveCountAsync(2);
        await Expect(allTime.Locator("tbody tr").First).ToHaveAttributeAsync("data-game", $"{winner.Id}");
        await Expect(allTime.Locator("tbody tr").First).ToContainTextAsync($"#1{winner.Player}");
        await Expect(allTime.Locator("tbody tr").Nth(1)).ToHaveAttributeAsync("data-game", $"{runnerUp.Id}");
        await ScreenshotAsync(page, "leaderboards");

        await page.GetByRole(AriaRole.Link, new() { Name = "Statistics" }).ClickAsync();
        var stats = page.Locator("[data-stats=all]");
        await Expect(stats.Locator(".freshness")).ToContainTextAsync("Up to date: the statistics projection has read every event");
        await Expect(stats.Locator("[data-figure=sessionsStarted] dd")).ToHaveTextAsync("2");
        await Expect(stats.Locator("[data-figure=sessionsAbandoned] dd")).ToHaveTextAsync("2");
        await Expect(stats.Locator("[data-figure=moves-total] dd")).ToHaveTextAsync($"{alice.MoveCount + bob.MoveCount}");
        await Expect(stats.Locator("[data-figure=bestFinalScore] dd")).ToHaveTextAsync($"{winner.Score:N0}");
        await ScreenshotAsync(page, "statistics");
    }
}
