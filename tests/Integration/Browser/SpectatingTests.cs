using Microsoft.Playwright;

namespace EventApi.Integration.Browser;

public sealed class SpectatingTests(BrowserApiFactory api, Chromium chromium) : BrowserTest(api, chromium)
{
    [Fact]
    public async Task A_second_browser_watches_the_first_ones_moves_live_resumes_after_a_drop_and_sees_the_end()
    {
        var player = new PlayPage(await OpenAsync("#/play"));
        await player.StartOpenAsync(4242, "alice");
        var id = await player.SessionIdAsync();

        // Another browser finds the game in the lobby and watches it.
        var spectator = await OpenAsync("#/watch");
        await ScreenshotAsync(spectator, "watch-lobby");
        await spectator.Locator($"a[data-session='{id}']").ClickAsync();
        var connection = spectator.Locator(".connection");
        await Expect(connection).ToHaveAttributeAsync("data-state", "live");
        var watched = spectator.Locator(".board");

        await player.PressAsync(["ArrowLeft", "ArrowUp", "ArrowRight"]);
        await player.ConfirmedAsync();
        await Expect(watched).ToHaveAttributeAsync("data-rows", await player.BoardJsonAsync());
        await Expect(spectator.Locator("[data-figure=moves] dd")).ToHaveTextAsync("3");
        var versionBeforeTheDrop = await player.Sync.GetAttributeAsync("data-version");

        // The network drops the stream; the player goes on meanwhile; EventSource comes back with Last-Event-ID.
        Api.LiveConnections.DropAll();
        await player.PressAsync(["ArrowDown", "ArrowLeft"]);
        await player.ConfirmedAsync();
        await Expect(watched).ToHaveAttributeAsync("data-rows", await player.BoardJsonAsync());
        await Expect(spectator.Locator("[data-figure=moves] dd")).ToHaveTextAsync("5");
        Api.LiveConnections.LastEventIds(id).ShouldBe([null, versionBeforeTheDrop]);
        await ScreenshotAsync(spectator, "watch-session");

        // The end: the page says so, and the stream is closed for good.
        await player.Page.GetByRole(AriaRole.Button, new() { Name = "Abandon" }).ClickAsync();
        await Expect(spectator.GetByRole(AriaRole.Alert)).ToContainTextAsync("The player abandoned the game.");
        await Expect(connection).ToHaveAttributeAsync("data-state", "ended");
    }
}
