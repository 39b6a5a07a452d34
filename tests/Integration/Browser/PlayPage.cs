using System.Text.Json;
using Microsoft.Playwright;

namespace EventApi.Integration.Browser;

/// <summary>The Play page (<c>#/play</c>), as a player uses it.</summary>
public sealed class PlayPage(IPage page)
{
    public IPage Page => page;

    /// <summary>The game's board (not the boards a mismatch shows); its rows are in <c>data-rows</c>, as the API writes them.</summary>
    public ILocator Board => page.Locator(".game .board-wrap .board");

    public ILocator Score => page.Locator(".game .score");

    /// <summary>Says how many moves are on their way to the server, in <c>data-pending</c>.</summary>
    public ILocator Sync => page.Locator(".game .sync");

    public async Task StartOpenAsync(uint seed, string player = "alice")
    {
        await page.GetByLabel("Player").FillAsync(player);
        await page.GetByLabel("Seed").FillAsync($"{seed}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start an open game" }).ClickAsync();
        await Assertions.Expect(page.Locator(".game-label")).ToContainTextAsync($"Open game on seed {seed}");
    }

    public async Task StartSealedAsync(string player = "alice")
    {
        await page.GetByLabel("Player").FillAsync(player);
        await page.GetByRole(AriaRole.Button, new() { Name = "Start a sealed game" }).ClickAsync();
        await Assertions.Expect(page.Locator(".game-label")).ToContainTextAsync("Sealed game");
    }

    public async Task<Guid> SessionIdAsync() =>
        Guid.Parse((await page.Locator("[data-session-id]").GetAttributeAsync("data-session-id"))!);

    public async Task PressAsync(IEnumerable<string> keys)
    {
        foreach (var key in keys) await page.Keyboard.PressAsync(key);
    }

    /// <summary>Waits until the server has answered every move the page has sent or queued.</summary>
    public Task ConfirmedAsync() => Assertions.Expect(Sync).ToHaveAttributeAsync("data-pending", "0");

    public async Task<string> BoardJsonAsync() => (await Board.GetAttributeAsync("data-rows"))!;

    public static string Json(int[][] rows) => JsonSerializer.Serialize(rows);
}
