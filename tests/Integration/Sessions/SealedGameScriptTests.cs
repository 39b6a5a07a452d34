using EventApi.Integration.Faults;
using EventApi.Integration.Infrastructure;

namespace EventApi.Integration.Sessions;

/// <summary>scripts/verify-sealed-game.mjs given the URL of a game's events, against the API run as a process: it
/// follows the pages' next links itself.</summary>
[Collection(ProcessFaultTests.Name)]
public sealed class SealedGameScriptTests
{
    [Fact]
    public async Task the_sealed_game_script_follows_the_next_links_of_a_running_api()
    {
        await using var api = new ApiProcess(ApiProcess.Settings(await PostgresServer.CreateDatabaseAsync("eventapi_verify")));
        await api.StartAsync(TimeSpan.FromSeconds(90));
        var game = await api.Client.PlayedSealedSessionAsync("xena", moves: 30);
        var events = $"http://127.0.0.1:{api.Port}/sessions/{game.Started.Id}/events?limit=10";

        var active = await SealedGameScript.OnUrlAsync(events);
        (active.ExitCode, active.Stderr).ShouldBe((1, "not verified: the game has not ended: the session is still active, or its last events are missing\n"));

        await api.Client.AbandonOkAsync(game.Started.Id, game.Started.Token);
        var ended = await SealedGameScript.OnUrlAsync(events);
        ended.ExitCode.ShouldBe(0, ended.Output);
        ended.Stdout.ShouldStartWith($"fair: the secret matches the commitment and draws all {2 + game.Final.MoveCount} spawns");
    }
}
