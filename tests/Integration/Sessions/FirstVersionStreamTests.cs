using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EventApi.Api.Features.Sessions;
using EventApi.Api.Infrastructure;
using EventApi.Domain.Game;
using EventApi.Domain.Sessions;
using EventApi.Integration.Infrastructure;
using EventApi.Projections.Sessions;
using JasperFx;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EventApi.Integration.Sessions;

/// <summary>Streams written before sealed secrets (the first version of SessionStarted, GameOver and SessionAbandoned)
/// are read through the store's upcasts and go on as they began.</summary>
public sealed class FirstVersionStreamTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task a_session_sealed_on_a_seed_by_the_first_version_folds_plays_on_and_reveals_its_seed()
    {
        const uint seed = 2024;
        var id = Guid.CreateVersion7();
        var (events, game) = SealedOnASeed(id, "wren", seed, moves: 5, DateTimeOffset.UtcNow);

        await Api.WriteAsTheFirstVersionDidAsync(id, events);

        var view = await Client.GetSessionAsync(id);
        (view.Generator, view.Seed, view.Secret, view.MoveCount).ShouldBe((GeneratorName.Mulberry32, null, null, 5));
        (await Client.ListSessionsAsync()).ShouldHaveSingleItem().Sealed.ShouldBeFalse();
        Board.FromRows(view.Board).ShouldBe(game.Board);
        var shown = await Client.GetEventsAsync(id);
        shown.Select(e => e.GetProperty("type").GetString()).ShouldBe(["session_started", .. Enumerable.Repeat("tiles_moved", 5)]);
        shown[0].GetProperty("data").GetProperty("seed").ValueKind.ShouldBe(JsonValueKind.Null);

        // The next move spawns what Mulberry32 on the seed draws next, as it always did.
        var direction = Enumerable.Range(0, 4).Select(d => (Direction)d).First(d => Engine.TryMove(ref game, d, [], out _));
        view = await Client.MoveOkAsync(id, await TokenForAsync(id), Moves.NameOf(direction));
        Board.FromRows(view.Board).ShouldBe(game.Board);

        using var abandon = await Client.AbandonAsync(id, await TokenForAsync(id));
        var ended = (await abandon.Content.ReadFromJsonAsync<SessionResponse>(SessionsClient.Json))!;
        ended.Seed.ShouldBe(seed);
        ended.SeedCommitment.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{id}:{seed}"))));

        // The rows of the first version keep their names; what was appended since is the second version.
        await using var query = Api.Store.QuerySession();
        var stored = await query.Events.FetchStreamAsync(id);
        stored.Select(e => e.EventTypeName).ShouldBe(
            ["session_started", .. Enumerable.Repeat("tiles_moved", 6), "session_abandoned_v2"]);

        // The daemon's projections read the first version's start too: the finished game is the player's.
        await Api.WaitForProjectionsAsync();
        using var stats = await Client.GetAsync("/players/wren/stats");
        var data = (await stats.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data");
        data.GetProperty("finishedGames").GetInt32().ShouldBe(1);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task a_first_version_end_of_game_reads_with_its_seed_revealed(bool gameOver)
    {
        var id = Guid.CreateVersion7();
        var at = DateTimeOffset.UtcNow;
        Engine.Start(7u, out var first, out var second);
        object end = gameOver ? new GameOverV1("xia", 0, 2, 0, 7, at) : new SessionAbandonedV1("xia", 0, 2, 0, 7, at);

        await Api.WriteAsTheFirstVersionDidAsync(id,
            [new SessionStartedV1(id, "xia", 7, true, SessionDecider.SeedCommitment(id, 7), null, [first, second], at), end]);

        var view = await Client.GetSessionAsync(id);
        view.Status.ShouldBe(gameOver ? SessionStatusName.Over : SessionStatusName.Abandoned);
        view.Seed.ShouldBe(7);
        var last = (await Client.GetEventsAsync(id))[^1];
        last.GetProperty("type").GetString().ShouldBe(gameOver ? "game_over" : "session_abandoned");
        last.GetProperty("data").GetProperty("seed").GetInt64().ShouldBe(7);
        last.GetProperty("data").GetProperty("secret").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task a_first_version_stream_reads_page_by_page_under_its_public_names_with_its_seed_revealed()
    {
        const uint seed = 11;
        var id = Guid.CreateVersion7();
        var at = DateTimeOffset.UtcNow;
        var (events, game) = SealedOnASeed(id, "yves", seed, moves: 3, at);
        events.Add(new GameOverV1("yves", game.Score, game.MaxTile, game.MoveCount, seed, at));
        await Api.WriteAsTheFirstVersionDidAsync(id, events);

        var pages = await Client.GetEventPagesAsync($"/sessions/{id}/events?limit=2");

        pages.Select(p => p.Events.Length).ShouldBe([2, 2, 1]);
        var shown = pages.SelectMany(p => p.Events).ToArray();
        shown.Select(e => e.GetProperty("type").GetString()).ShouldBe(["session_started", "tiles_moved", "tiles_moved", "tiles_moved", "game_over"]);
        shown.Select(e => e.GetProperty("version").GetInt64()).ShouldBe([1, 2, 3, 4, 5]);
        // The start is on the first page and the end on the last: the seed the end revealed shows on the first page too.
        shown[0].GetProperty("data").GetProperty("seed").GetInt64().ShouldBe(seed);
        shown[^1].GetProperty("data").GetProperty("seed").GetInt64().ShouldBe(seed);
    }

    /// <summary>The first version's start of a session sealed on <paramref name="seed"/>, then <paramref name="moves"/>
    /// moves (each direction in turn that moves something), and the game they lead to.</summary>
    private static (List<object> Events, GameState Game) SealedOnASeed(Guid id, string player, uint seed, int moves, DateTimeOffset at)
    {
        var game = Engine.Start(seed, out var first, out var second);
        var events = new List<object>
        {
            new SessionStartedV1(id, player, seed, true, SessionDecider.SeedCommitment(id, seed), null, [first, second], at),
        };
        for (var d = 0; events.Count <= moves; d = (d + 1) % 4)
        {
            if (Engine.TryMove(ref game, (Direction)d, new Tile[Rules.MaxMergesPerMove], out var outcome))
                events.Add(new TilesMoved((Direction)d, [], outcome.ScoreGained, outcome.Spawned, at));
        }

        return (events, game);
    }

    private readonly Dictionary<Guid, string> _tokens = [];

    private async Task<string> TokenForAsync(Guid id)
    {
        if (_tokens.TryGetValue(id, out var token)) return token;
        (token, var access) = SessionAccess.Issue(id);
        await using var session = Api.Store.LightweightSession();
        session.Store(access);
        await session.SaveChangesAsync();
        return _tokens[id] = token;
    }
}
