using System.Text.Json.Nodes;
using EventApi.Api.Features.Sessions;
using EventApi.Integration.Infrastructure;
using Microsoft.Playwright;

namespace EventApi.Integration.Browser;

public sealed class PlayingTests(BrowserApiFactory api, Chromium chromium) : BrowserTest(api, chromium)
{
    /// <summary>
    /// A seed whose game ends after 28 moves when the keys go up, down, left, right, over and over (found by playing
    /// that cycle on seeds 0 to 200,000 with the JavaScript engine: none ends sooner).
    /// </summary>
    private const uint QuickSeed = 169839;

    /// <summary>Up, down, left, right, 28 times: arrow keys and WASD in turn.</summary>
    private static readonly string[] QuickGame = KeyPresses.Cycle(["ArrowUp", "s", "ArrowLeft", "d"], 28);

    [Fact]
    public async Task A_whole_game_played_with_the_keyboard_ends_in_game_over()
    {
        // The same keys on the C# engine: the game ends with the last of them, not before.
        var expected = KeyPresses.Play(QuickSeed, QuickGame);
        expected.Over.ShouldBeTrue();
        KeyPresses.Play(QuickSeed, QuickGame[..^1]).Over.ShouldBeFalse();

        var play = new PlayPage(await OpenAsync("#/play"));
        await play.StartOpenAsync(QuickSeed);
        // The score is announced as it changes only if its live region stays the same element: marked, to see.
        await play.Score.EvaluateAsync("score => score.dataset.marked = 'yes'");
        await play.PressAsync(QuickGame);

        var gameOver = play.Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Game over" });
        await Expect(gameOver).ToContainTextAsync($"Final score {expected.Score}, best tile {expected.MaxTile}, {expected.MoveCount} moves");
        await Expect(play.Score).ToHaveAttributeAsync("aria-live", "polite");
        await Expect(play.Score).ToHaveAttributeAsync("data-marked", "yes");
        await Expect(play.Score).ToContainTextAsync($"Score {expected.Score}");
        (await play.BoardJsonAsync()).ShouldBe(PlayPage.Json(expected.Board.ToRows()));
        await Expect(play.Page.Locator(".mismatch")).ToHaveCountAsync(0);
        await ScreenshotAsync(play.Page, "play-game-over");

        var session = await Client.GetSessionAsync(await play.SessionIdAsync());
        session.Status.ShouldBe(SessionStatusName.Over);
        (session.Score, session.MoveCount).ShouldBe((expected.Score, expected.MoveCount));
        PlayPage.Json(session.Board).ShouldBe(PlayPage.Json(expected.Board.ToRows()));
    }

    [Fact]
    public async Task A_tampered_move_answer_is_shown_as_a_mismatch_with_the_prediction()
    {
        var page = await OpenAsync("#/play");
        var tampered = 0;
        await page.RouteAsync("**/sessions/*/moves", async route =>
        {
            var response = await route.FetchAsync();
            var view = JsonNode.Parse(await response.TextAsync())!;
            // The first answer is changed: a 2048 tile where the board's top-left cell is.
            if (Interlocked.Increment(ref tampered) == 1) view["board"]![0]![0] = 2048;
            await route.FulfillAsync(new RouteFulfillOptions { Response = response, Body = view.ToJsonString() });
        });

        var play = new PlayPage(page);
        await play.StartOpenAsync(12345);
        var predicted = KeyPresses.Play(12345, ["ArrowLeft"]);
        predicted.MoveCount.ShouldBe(1);
        await play.PressAsync(["ArrowLeft"]);

        var mismatch = page.Locator(".mismatch");
        await Expect(mismatch).ToHaveAttributeAsync("role", "alert");
        await Expect(mismatch).ToContainTextAsync("The server's answer does not match this browser's prediction after left");
        (await mismatch.Locator(".board").First.GetAttributeAsync("data-rows")).ShouldBe(PlayPage.Json(predicted.Board.ToRows()));
        var shown = JsonNode.Parse((await mismatch.Locator(".board").Nth(1).GetAttributeAsync("data-rows"))!)!;
        shown[0]![0]!.GetValue<int>().ShouldBe(2048);
        await ScreenshotAsync(page, "play-mismatch");

        // The mismatch stays on the page while the game goes on.
        await play.ConfirmedAsync();
        await Expect(mismatch).ToBeVisibleAsync();
    }
}
