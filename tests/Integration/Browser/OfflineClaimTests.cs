using EventApi.Api.Features.Claims;
using EventApi.Integration.Infrastructure;
using Microsoft.Playwright;

namespace EventApi.Integration.Browser;

public sealed class OfflineClaimTests(BrowserApiFactory api, Chromium chromium) : BrowserTest(api, chromium)
{
    private static readonly string[] Keys = KeyPresses.Cycle(["ArrowUp", "ArrowLeft", "ArrowDown", "ArrowRight"], 24);

    [Fact]
    public async Task A_game_played_offline_is_submitted_as_a_claim_once_back_online_and_verified()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd");
        var challenge = await Client.GetChallengeAsync(today);
        var expected = KeyPresses.Play((uint)challenge.Seed, Keys);

        // Online, the page fetches today's challenge and keeps it; then the network goes.
        var page = await OpenAsync("#/offline");
        var playChallenge = page.GetByRole(AriaRole.Button, new() { Name = $"Play today's challenge (seed {challenge.Seed})" });
        await Expect(playChallenge).ToBeVisibleAsync();
        await page.Context.SetOfflineAsync(true);
        await Expect(page.Locator(".connection")).ToContainTextAsync("You are offline");

        await playChallenge.ClickAsync();
        foreach (var key in Keys) await page.Keyboard.PressAsync(key);
        await Expect(page.Locator(".game .score")).ToContainTextAsync($"Score {expected.Score}");
        (await page.Locator(".game .board").GetAttributeAsync("data-rows")).ShouldBe(PlayPage.Json(expected.Board.ToRows()));

        var submit = page.GetByRole(AriaRole.Button, new() { Name = "Submit as a claim" });
        await submit.ClickAsync();
        await Expect(page.Locator(".claim")).ToContainTextAsync("The server could not be reached. The game is kept here");
        await ScreenshotAsync(page, "offline-not-sent");

        await page.Context.SetOfflineAsync(false);
        await Expect(page.Locator(".connection")).ToContainTextAsync("You are online");
        await submit.ClickAsync();

        var verdict = page.Locator(".verdict");
        await Expect(verdict).ToContainTextAsync($"Verified. The server replayed your {expected.MoveCount} moves and found score {expected.Score}");
        await Expect(verdict).ToContainTextAsync($"counted for the challenge of {today}");
        // The daemon puts it on the day's leaderboard, where the page finds it: the only game, so first. The page looks
        // for it for 30 s (offline.js, findPlace), and so does the test: on a busy machine the daemon took over 15 s once.
        await Expect(verdict.Locator(".place")).ToHaveAttributeAsync("data-rank", "1", new() { Timeout = 30_000 });
        await ScreenshotAsync(page, "offline-claim-verified");

        var claim = await Client.GetClaimAsync(Guid.Parse((await verdict.GetAttributeAsync("data-claim-id"))!));
        claim.Verdict.ShouldBe(ClaimVerdictName.Verified);
        (claim.Seed, claim.ClaimedScore, claim.Replay.MoveCount).ShouldBe((challenge.Seed, expected.Score, expected.MoveCount));
    }
}
