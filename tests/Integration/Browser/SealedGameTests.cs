using System.Text.Json.Nodes;
using EventApi.Api.Features.Sessions;
using EventApi.Integration.Infrastructure;
using Microsoft.Playwright;

namespace EventApi.Integration.Browser;

public sealed class SealedGameTests(BrowserApiFactory api, Chromium chromium) : BrowserTest(api, chromium)
{
    private static readonly string[] SomeKeys = ["ArrowLeft", "ArrowUp", "ArrowRight", "ArrowDown", "a", "w", "d", "s"];

    [Fact]
    public async Task An_abandoned_sealed_game_is_verified_in_the_page()
    {
        var play = new PlayPage(await OpenAsync("#/play"));
        await play.StartSealedAsync();
        var id = await play.SessionIdAsync();
        var started = await Client.GetSessionAsync(id);
        started.Secret.ShouldBeNull();
        await Expect(play.Page.Locator(".commitment")).ToContainTextAsync(started.SeedCommitment);

        // Nothing can be predicted: each key is sent on its own, if it moves something on the server's last board.
        await play.PressAsync(SomeKeys);
        await play.ConfirmedAsync();
        await play.Page.GetByRole(AriaRole.Button, new() { Name = "Abandon" }).ClickAsync();
        var ending = play.Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Game abandoned." });
        await Expect(ending).ToBeVisibleAsync();

        var session = await Client.GetSessionAsync(id);
        session.Status.ShouldBe(SessionStatusName.Abandoned);
        session.Secret.ShouldNotBeNull();
        session.MoveCount.ShouldBeGreaterThan(0);
        await Expect(ending).ToContainTextAsync($"Final score {session.Score}");
        var verified = play.Page.Locator(".verified");
        await Expect(verified).ToContainTextAsync("This game was fair: verified in your browser.");
        // Two spawns at the start and one a move; a board for the start, each move's answer and the abandon.
        await Expect(verified).ToContainTextAsync($"draws all {2 + session.MoveCount} spawns of the game");
        await Expect(verified).ToContainTextAsync($"the {session.MoveCount + 2} boards the server showed you");
        await ScreenshotAsync(play.Page, "play-sealed-verified");
    }

    [Fact]
    public async Task A_sealed_game_whose_events_do_not_give_its_spawns_is_not_called_fair()
    {
        var page = await OpenAsync("#/play");
        // The events the page reads to check the game claim that the first move spawned another tile than it did.
        await page.RouteAsync("**/sessions/*/events*", async route =>
        {
            var response = await route.FetchAsync();
            var events = JsonNode.Parse(await response.TextAsync())!.AsArray();
            var moved = events.First(e => e!["type"]!.GetValue<string>() == "tiles_moved")!;
            var spawned = moved["data"]!["spawned"]!;
            spawned["value"] = spawned["value"]!.GetValue<int>() == 2 ? 4 : 2;
            await route.FulfillAsync(new RouteFulfillOptions { Response = response, Body = events.ToJsonString() });
        });

        var play = new PlayPage(page);
        await play.StartSealedAsync();
        await play.PressAsync(SomeKeys);
        await play.ConfirmedAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Abandon" }).ClickAsync();

        var unverified = page.Locator(".unverified");
        await Expect(unverified).ToHaveAttributeAsync("role", "alert");
        await Expect(unverified).ToContainTextAsync("This game could not be verified: the move at version 2 spawned");
        await Expect(page.Locator(".verified")).ToHaveCountAsync(0);
    }
}
