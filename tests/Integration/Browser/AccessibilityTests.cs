using Microsoft.Playwright;

namespace EventApi.Integration.Browser;

public sealed class AccessibilityTests(BrowserApiFactory api, Chromium chromium) : BrowserTest(api, chromium)
{
    /// <summary>What has the focus: its text, or its label's for a field; and whether its outline shows it.</summary>
    private const string Focused = """
        (() => {
          const e = document.activeElement;
          const name = e.labels?.[0]?.textContent ?? e.textContent.trim();
          const style = getComputedStyle(e);
          return name + (style.outlineStyle !== "none" && style.outlineWidth !== "0px" ? "" : " (no visible focus)");
        })()
        """;

    [Fact]
    public async Task On_a_phone_the_keyboard_reaches_every_control_in_order_and_a_swipe_moves_the_tiles()
    {
        var page = await OpenAsync("#/play", Phone);
        (await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth")).ShouldBeTrue("the page is wider than a phone");

        // Keyboard only, from the top: the skip link, the pages, the new game's fields and buttons, each visibly focused.
        var order = new List<string>();
        for (var i = 0; i < 14; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            order.Add(await page.EvaluateAsync<string>(Focused));
        }

        order.ShouldBe([
            "Skip to the page", "2048, event-sourced", "Play", "Offline", "Watch", "Replay", "Leaderboards", "Statistics",
            "Player", "Seed", "Start an open game", "Start a sealed game", "Play today's challenge", "Swagger UI",
        ]);

        // Back to the seed, a game started with Enter, and moved with a swipe to the left on the board.
        await page.GetByLabel("Seed", new() { Exact = true }).FillAsync("12345");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start an open game" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var play = new PlayPage(page);
        await Expect(page.Locator(".game-label")).ToContainTextAsync("Open game on seed 12345");
        (await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth")).ShouldBeTrue("the game is wider than a phone");

        var box = (await play.Board.BoundingBoxAsync())!;
        var (x, y) = (box.X + box.Width / 2, box.Y + box.Height / 2);
        await page.Mouse.MoveAsync(x + 60, y);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(x - 60, y, new() { Steps = 5 });
        await page.Mouse.UpAsync();

        // The same move as the left arrow key.
        var expected = KeyPresses.Play(12345, ["ArrowLeft"]);
        await Expect(play.Board).ToHaveAttributeAsync("data-rows", PlayPage.Json(expected.Board.ToRows()));
        await play.ConfirmedAsync();
        await Expect(page.Locator("[data-figure=moves] dd")).ToHaveTextAsync("1");
        await ScreenshotAsync(page, "play-phone");
    }
}
