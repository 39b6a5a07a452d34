using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventApi.Api.Features.Sessions;
using EventApi.Domain.Game;
using EventApi.Integration.Infrastructure;
using EventApi.Projections.Sessions;

namespace EventApi.Integration.Sessions;

/// <summary>A sealed game is unpredictable to everyone while it is on, and checkable by anyone once it ends.</summary>
public sealed class SealedSessionTests(ApiFactory api) : ApiTest(api)
{
    private const string CallbackUrl = "https://hooks.invalid/2048?token=owner-only-credential";

    [Fact]
    public async Task nothing_a_non_owner_can_read_while_a_sealed_game_is_on_holds_its_secret_or_a_seed()
    {
        var game = await Client.PlayedSealedSessionAsync("sasha", moves: 12, callbackUrl: CallbackUrl);
        var secret = await SecretOfAsync(game.Started.Id);
        secret.ShouldMatch("^[0-9a-f]{64}$");
        await Api.WaitForProjectionsAsync();

        var seen = await PublicReadsAsync(game.Started.Id, game.Final.Version, "sasha");

        foreach (var (url, body) in seen)
        {
            body.ShouldNotContain(secret, Case.Insensitive, url);
            body.ShouldNotContain(Convert.ToBase64String(Convert.FromHexString(secret)), Case.Sensitive, url);
            body.ShouldNotContain("owner-only-credential", Case.Sensitive, url);
            body.ShouldNotContain("hooks.invalid", Case.Sensitive, url);
        }

        var view = await Client.GetSessionAsync(game.Started.Id);
        (view.Generator, view.Seed, view.Secret).ShouldBe((GeneratorName.HmacSha256, null, null));
        var started = (await Client.GetEventsAsync(game.Started.Id))[0].GetProperty("data");
        started.GetProperty("seed").ValueKind.ShouldBe(JsonValueKind.Null);
        started.GetProperty("secret").ValueKind.ShouldBe(JsonValueKind.Null);
        started.TryGetProperty("callbackUrl", out _).ShouldBeFalse();
        started.GetProperty("seedCommitment").GetString().ShouldBe(game.Started.SeedCommitment);
    }

    [Fact]
    public async Task the_public_prefix_of_a_sealed_game_does_not_determine_what_it_spawns_next()
    {
        var game = await Client.PlayedSealedSessionAsync("tove", moves: 10);
        var draws = 2u * (uint)(2 + game.Final.MoveCount);

        // The public prefix fixes the board and how many draws were made; the continuation depends on the secret alone.
        var actual = Continuation(GameRandom.Sealed(Convert.FromHexString(await SecretOfAsync(game.Started.Id))).Advance(draws));
        for (var i = 0; i < 20; i++)
        {
            var other = GameRandom.Sealed(RandomNumberGenerator.GetBytes(GameRandom.SecretBytes)).Advance(draws);
            Continuation(other).ShouldNotBe(actual);
        }

        // And the only value tied to the secret in public is a SHA-256 over 256 random bits: there is no 32-bit seed to search.
        game.Started.Seed.ShouldBeNull();
        game.Started.SeedCommitment.ShouldMatch("^[0-9a-f]{64}$");
    }

    [Fact]
    public async Task ending_a_sealed_game_reveals_the_secret_that_the_commitment_binds_and_that_drew_every_spawn()
    {
        var game = await Client.PlayedSealedSessionAsync("uma", moves: 15);

        using var abandon = await Client.AbandonAsync(game.Started.Id, game.Started.Token);
        var ended = (await abandon.Content.ReadFromJsonAsync<SessionResponse>(SessionsClient.Json))!;

        ended.Seed.ShouldBeNull();
        ended.Secret.ShouldBe(await SecretOfAsync(game.Started.Id));
        game.Started.SeedCommitment.ShouldBe(Sha256Hex($"{game.Started.Id}:{ended.Secret}"));
        (await Client.GetSessionAsync(game.Started.Id)).Secret.ShouldBe(ended.Secret);
        var events = await Client.GetEventsAsync(game.Started.Id);
        events[0].GetProperty("data").GetProperty("secret").GetString().ShouldBe(ended.Secret);
        events[^1].GetProperty("type").GetString().ShouldBe("session_abandoned");
        events[^1].GetProperty("data").GetProperty("secret").GetString().ShouldBe(ended.Secret);

        // Every spawn is the one the revealed secret draws, replaying the recorded moves.
        var rng = GameRandom.Sealed(Convert.FromHexString(ended.Secret!));
        var replayed = Engine.Start(rng, out var first, out var second);
        events[0].GetProperty("data").GetProperty("spawned").Deserialize<Tile[]>(SessionsClient.Json).ShouldBe([first, second]);
        foreach (var moved in events.Where(e => e.GetProperty("type").GetString() == "tiles_moved"))
        {
            var direction = Enum.Parse<Direction>(moved.GetProperty("data").GetProperty("direction").GetString()!, ignoreCase: true);
            Engine.TryMove(ref replayed, direction, [], out var outcome).ShouldBeTrue();
            outcome.Spawned.ShouldBe(moved.GetProperty("data").GetProperty("spawned").Deserialize<Tile>(SessionsClient.Json));
        }

        Board.FromRows(ended.Board).ShouldBe(replayed.Board);
    }

    [Fact]
    public async Task a_finished_sealed_game_verifies_with_the_documented_node_script_and_a_tampered_one_does_not()
    {
        var game = await Client.PlayedSealedSessionAsync("vera", moves: int.MaxValue);
        game.Final.Status.ShouldBe(SessionStatusName.Over);
        using var response = await Client.GetAsync($"/sessions/{game.Started.Id}/events");
        var events = await response.Content.ReadAsStringAsync();

        var (code, output) = await VerifyAsync(events);
        code.ShouldBe(0, output);
        output.ShouldStartWith($"fair: the secret matches the commitment and draws all {2 + game.Final.MoveCount} spawns");

        var tampered = JsonNode.Parse(events)!.AsArray();
        var spawned = tampered.First(e => (string?)e!["type"] == "tiles_moved")!["data"]!["spawned"]!;
        spawned["value"] = (int)spawned["value"]! == 2 ? 4 : 2;
        (code, output) = await VerifyAsync(tampered.ToJsonString());
        code.ShouldBe(1, output);
        output.ShouldContain("not verified: the move at version 2 spawned");

        var forged = JsonNode.Parse(events)!.AsArray();
        forged[^1]!["data"]!["secret"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        forged[0]!["data"]!["secret"] = null;
        (code, output) = await VerifyAsync(forged.ToJsonString());
        code.ShouldBe(1, output);
        output.ShouldContain("does not match the commitment");
    }

    [Fact]
    public async Task a_sealed_game_longer_than_a_page_verifies_from_its_pages_written_one_after_another()
    {
        var game = await Client.PlayedSealedSessionAsync("wanda", moves: 60);
        await Client.AbandonOkAsync(game.Started.Id, game.Started.Token);
        var pages = (await Client.GetEventPagesAsync($"/sessions/{game.Started.Id}/events?limit=25")).Select(p => p.Body).ToList();
        pages.Count.ShouldBe(3);

        var (code, output) = await VerifyAsync(string.Join("\n", pages));
        code.ShouldBe(0, output);
        output.ShouldStartWith($"fair: the secret matches the commitment and draws all {2 + game.Final.MoveCount} spawns");

        // A game checked without all of its pages is not verified, whatever the pages it has show.
        (code, output) = await VerifyAsync(pages[0] + pages[2]);
        (code, output).ShouldBe((1, "not verified: the events are not the whole game: version 26 is missing\n"));
        (code, output) = await VerifyAsync(pages[0] + pages[1]);
        (code, output).ShouldBe((1, "not verified: the game has not ended: the session is still active, or its last events are missing\n"));
        (code, output) = await VerifyAsync(pages[0] + pages[0] + pages[1] + pages[2]);
        (code, output).ShouldBe((1, "not verified: the events are not the whole game: version 1 is repeated\n"));
    }

    [Fact]
    public async Task sealed_secrets_differ_between_sessions()
    {
        var secrets = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            var started = await Client.StartAsync(seed: null);
            using var abandon = await Client.AbandonAsync(started.Id, started.Token);
            secrets.Add((await abandon.Content.ReadFromJsonAsync<SessionResponse>(SessionsClient.Json))!.Secret!);
        }

        secrets.Count.ShouldBe(5);
    }

    [Fact]
    public async Task an_open_session_shows_its_seed_and_the_matching_commitment_from_the_start()
    {
        var started = await Client.StartAsync(seed: 4294967295);

        started.Generator.ShouldBe(GeneratorName.Mulberry32);
        started.Seed.ShouldBe(4294967295);
        started.Secret.ShouldBeNull();
        started.SeedCommitment.ShouldBe(Sha256Hex($"{started.Id}:4294967295"));
        (await Client.GetAsync($"/sessions/{started.Id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>Every public read of a session (no token, no admin key) and the answers' bodies.</summary>
    private async Task<List<(string Url, string Body)>> PublicReadsAsync(Guid id, long version, string player)
    {
        var urls = new List<string>
        {
            $"/sessions/{id}", $"/sessions/{id}/events", $"/sessions/{id}/timeline", "/sessions?status=active",
            "/stats", $"/stats/daily/{DateTimeOffset.UtcNow:yyyy-MM-dd}", $"/players/{player}/stats", "/leaderboard",
        };
        urls.AddRange(Enumerable.Range(1, (int)version).Select(v => $"/sessions/{id}/replay?version={v}"));

        var seen = new List<(string, string)>();
        foreach (var url in urls)
        {
            using var response = await Client.GetAsync(url);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, url);
            seen.Add((url, await response.Content.ReadAsStringAsync()));
        }

        return seen;
    }

    private async Task<string> SecretOfAsync(Guid id)
    {
        await using var query = Api.Store.QuerySession();
        return (await query.LoadAsync<SessionView>(id))!.State.Secret!;
    }

    private static double[] Continuation(GameRandom rng) => [.. Enumerable.Range(0, 32).Select(_ => rng.NextDouble())];

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Runs scripts/verify-sealed-game.mjs, as docs/security.md shows it, on the events written to its stdin.</summary>
    private static async Task<(int Code, string Output)> VerifyAsync(string events)
    {
        var node = await SealedGameScript.OnStdinAsync(events);
        return (node.ExitCode, node.Output);
    }
}
