using EventApi.Domain.Game;
using EventApi.Integration.Infrastructure;

namespace EventApi.Integration.Browser;

public sealed class ReplayTests(BrowserApiFactory api, Chromium chromium) : BrowserTest(api, chromium)
{
    [Fact]
    public async Task Scrubbing_a_finished_game_shows_the_board_after_each_move()
    {
        const uint seed = 777;
        var game = await Client.PlayedSessionAsync("bob", seed, randomSeed: 5, maxMoves: 12, batch: 4, abandon: true);
        var id = game.Started.Id;
        // The board after each move, by the C# engine: frame 0 is the start.
        var state = Engine.Start(seed, out _, out _);
        var boards = new List<string> { PlayPage.Json(state.Board.ToRows()) };
        foreach (var move in game.Moves)
        {
            Engine.TryMove(ref state, move, [], out _);
            boards.Add(PlayPage.Json(state.Board.ToRows()));
        }

        // The list of finished games leads to it.
        var page = await OpenAsync("#/replay");
        await page.Locator($"a[data-session='{id}']").ClickAsync();
        var slider = page.GetByRole(Microsoft.Playwright.AriaRole.Slider, new() { Name = "Move" });
        var board = page.Locator(".board");
        var label = page.Locator(".frame-label");
        await Expect(label).ToContainTextAsync($"Move 12 of 12: {Moves.NameOf(game.Moves[^1])}");
        await Expect(label).ToContainTextAsync("; abandoned.");
        await Expect(board).ToHaveAttributeAsync("data-rows", boards[12]);

        // With the keyboard: to the start, then move by move.
        await slider.FocusAsync();
        await page.Keyboard.PressAsync("Home");
        await Expect(label).ToHaveTextAsync("The start.");
        await Expect(board).ToHaveAttributeAsync("data-rows", boards[0]);
        for (var frame = 1; frame <= 3; frame++)
        {
            await page.Keyboard.PressAsync("ArrowRight");
            await Expect(label).ToContainTextAsync($"Move {frame} of 12: {Moves.NameOf(game.Moves[frame - 1])}");
            await Expect(board).ToHaveAttributeAsync("data-rows", boards[frame]);
        }

        // Anywhere at once.
        await slider.FillAsync("8");
        await Expect(label).ToContainTextAsync("Move 8 of 12");
        await Expect(board).ToHaveAttributeAsync("data-rows", boards[8]);
        await Expect(page.Locator("[data-figure=version] dd")).ToHaveTextAsync("9");
        await ScreenshotAsync(page, "replay");
    }
}
