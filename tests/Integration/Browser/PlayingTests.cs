using EventApi.Api.Features.Sessions;
using EventApi.Domain.Game;
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

    /// <summary>Up, down, left, right: arrow keys and WASD in turn.</summary>
    private static readonly string[] QuickCycle = ["ArrowUp", "s", "ArrowLeft", "d"];

    private static readonly Direction[] QuickDirections = [Direction.Up, Direction.Down, Direction.Left, Direction.Right];

    [Fact]
    public async Task A_whole_game_played_with_the_keyboard_ends_in_game_over()
    {
        // The same keys on the C# engine: where the game must end, and after how many key presses.
        var expected = Engine.Start(QuickSeed, out _, out _);
        var presses = 0;
        while (!expected.Over) Engine.TryMove(ref expected, QuickDirections[presses++ % QuickDirections.Length], [], out _);
        presses.ShouldBe(28);

        var play = new PlayPage(await OpenAsync("#/play"));
        await play.StartOpenAsync(QuickSeed);
        await play.PressAsync(Enumerable.Range(0, presses).Select(i => QuickCycle[i % QuickCycle.Length]));

        var gameOver = play.Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Game over" });
        await Expect(gameOver).ToContainTextAsync($"Final score {expected.Score}, best tile {expected.MaxTile}, {expected.MoveCount} moves");
        await Expect(play.Score).ToHaveAttributeAsync("aria-live", "polite");
        await Expect(play.Score).ToContainTextAsync($"Score {expected.Score}");
        (await play.BoardJsonAsync()).ShouldBe(PlayPage.Json(expected.Board.ToRows()));
        await Expect(play.Page.Locator(".mismatch")).ToHaveCountAsync(0);
        await ScreenshotAsync(play.Page, "play-game-over");

        var session = await Client.GetSessionAsync(await play.SessionIdAsync());
        session.Status.ShouldBe(SessionStatusName.Over);
        (session.Score, session.MoveCount).ShouldBe((expected.Score, expected.MoveCount));
        PlayPage.Json(session.Board).ShouldBe(PlayPage.Json(expected.Board.ToRows()));
    }
}
