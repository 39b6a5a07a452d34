using System.Net;
using System.Net.Http.Json;
using EventApi.Api.Features.Sessions;
using EventApi.Domain.Game;
using EventApi.Domain.Sessions;
using EventApi.Integration.Infrastructure;
using EventApi.Projections.Sessions;

namespace EventApi.Integration.Sessions;

public sealed class PlayingASessionTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task a_whole_game_played_through_http_matches_the_engine_and_replays_from_its_events()
    {
        const uint seed = 20261122;
        var started = await Client.StartAsync("alice", seed);
        started.Status.ShouldBe(SessionStatusName.Active);
        started.Seed.ShouldBe(seed);
        started.Version.ShouldBe(1);
        started.SeedCommitment.ShouldBe(SessionDecider.SeedCommitment(started.Id, seed));

        // The client plays the same engine locally (the dual-engine idea), so it knows every real move in advance.
        var game = Engine.Start(seed, out _, out _);
        started.Board.ShouldBe(game.Board.ToRows());
        var moves = Moves.NamesOf(Moves.PlayRandom(ref game, new Random(7)));

        SessionResponse? last = null;
        foreach (var batch in moves.Chunk(MakeMovesRequest.MaxMoves / 4))
            last = await Client.MoveOkAsync(started.Id, started.Token, batch);

        last!.Status.ShouldBe(SessionStatusName.Over);
        last.Board.ShouldBe(game.Board.ToRows());
        last.Score.ShouldBe(game.Score);
        last.MoveCount.ShouldBe(moves.Length);
        last.MaxTile.ShouldBe(game.MaxTile);
        last.Won.ShouldBe(game.Won);
        (await Client.GetSessionAsync(started.Id)).ShouldBeEquivalentTo(last);

        // The stream alone rebuilds the game the engine reported.
        await using var query = Api.Store.QuerySession();
        var events = await query.Events.FetchStreamAsync(started.Id);
        events.Count.ShouldBe((int)last.Version);
        var replayed = SessionDecider.Fold(events.Select(e => e.Data));
        replayed.Game.ShouldBe(game);
        replayed.Status.ShouldBe(SessionStatus.Over);
        events[^1].Data.ShouldBeOfType<GameOver>().FinalScore.ShouldBe(game.Score);

        var view = await query.LoadAsync<SessionView>(started.Id);
        view!.Version.ShouldBe(last.Version);
        view.State.ShouldBe(replayed);
    }

    [Fact]
    public async Task a_move_that_changes_nothing_is_refused_with_its_index_and_nothing_is_appended()
    {
        var started = await Client.StartAsync(seed: 12345);
        var game = Engine.Start(12345, out _, out _);
        var (valid, noOp) = Moves.FirstValidThenNoOp(game);

        using var response = await Client.MoveAsync(started.Id, started.Token, [valid, noOp, valid]);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "urn:eventapi:problem:move-changes-nothing");
        problem.MoveIndex.ShouldBe(1);
        problem.Detail!.ShouldContain("Move 1");
        (await Client.GetSessionAsync(started.Id)).Version.ShouldBe(1);
    }

    [Fact]
    public async Task moves_on_an_abandoned_session_are_refused_and_abandoning_reveals_the_secret()
    {
        var started = await Client.StartAsync(seed: null);
        started.Seed.ShouldBeNull();

        using (var abandon = await Client.AbandonAsync(started.Id, started.Token))
        {
            abandon.StatusCode.ShouldBe(HttpStatusCode.OK);
            var view = (await abandon.Content.ReadFromJsonAsync<SessionResponse>(SessionsClient.Json))!;
            view.Status.ShouldBe(SessionStatusName.Abandoned);
            view.Secret.ShouldNotBeNull();
            SessionDecider.SeedCommitment(started.Id, view.Secret).ShouldBe(started.SeedCommitment);
            abandon.Headers.ETag!.Tag.ShouldBe("\"2\"");
        }

        using var move = await Client.MoveAsync(started.Id, started.Token, ["left", "up"]);
        (await move.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "urn:eventapi:problem:session-not-active"))
            .MoveIndex.ShouldBe(0);
        using var again = await Client.AbandonAsync(started.Id, started.Token);
        await again.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "urn:eventapi:problem:session-not-active");
        (await Client.GetSessionAsync(started.Id)).Version.ShouldBe(2);
    }

    [Fact]
    public async Task moves_past_the_end_of_the_game_are_refused_and_the_whole_batch_appends_nothing()
    {
        const uint seed = 99;
        var started = await Client.StartAsync(seed: seed);
        var game = Engine.Start(seed, out _, out _);
        var moves = Moves.NamesOf(Moves.PlayRandom(ref game, new Random(3)));

        moves.Length.ShouldBeLessThan(MakeMovesRequest.MaxMoves);
        using var response = await Client.MoveAsync(started.Id, started.Token, [.. moves, "left"]);

        (await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "urn:eventapi:problem:session-not-active"))
            .MoveIndex.ShouldBe(moves.Length);
        (await Client.GetSessionAsync(started.Id)).Version.ShouldBe(1);
    }

    [Fact]
    public async Task the_etag_is_the_version_and_if_none_match_with_it_gives_304()
    {
        var (started, valid) = await Client.StartedSessionAsync();
        using var first = await Client.GetAsync($"/sessions/{started.Id}");
        first.Headers.ETag!.Tag.ShouldBe("\"1\"");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/sessions/{started.Id}");
        request.Headers.TryAddWithoutValidation("If-None-Match", "\"1\"");
        using var notModified = await Client.SendAsync(request);
        notModified.StatusCode.ShouldBe(HttpStatusCode.NotModified);

        (await Client.MoveOkAsync(started.Id, started.Token, valid)).Version.ShouldBe(2);
        using var stale = new HttpRequestMessage(HttpMethod.Get, $"/sessions/{started.Id}");
        stale.Headers.TryAddWithoutValidation("If-None-Match", "\"1\"");
        using var changed = await Client.SendAsync(stale);
        changed.StatusCode.ShouldBe(HttpStatusCode.OK);
        changed.Headers.ETag!.Tag.ShouldBe("\"2\"");
    }

    [Fact]
    public async Task an_unknown_session_is_a_404_problem_everywhere()
    {
        var id = Guid.NewGuid();
        using var get = await Client.GetAsync($"/sessions/{id}");
        await get.ShouldBeProblemAsync(HttpStatusCode.NotFound, "urn:eventapi:problem:session-not-found");
        using var events = await Client.GetAsync($"/sessions/{id}/events");
        await events.ShouldBeProblemAsync(HttpStatusCode.NotFound, "urn:eventapi:problem:session-not-found");
        using var page = await Client.GetAsync($"/sessions/{id}/events?after=3&limit=2");
        await page.ShouldBeProblemAsync(HttpStatusCode.NotFound, "urn:eventapi:problem:session-not-found");
        using var move = await Client.MoveAsync(id, "some-token", ["left"]);
        await move.ShouldBeProblemAsync(HttpStatusCode.NotFound, "urn:eventapi:problem:session-not-found");
        using var abandon = await Client.AbandonAsync(id, "some-token");
        await abandon.ShouldBeProblemAsync(HttpStatusCode.NotFound, "urn:eventapi:problem:session-not-found");
    }

    [Fact]
    public async Task the_events_endpoint_lists_the_stream_in_order_with_types_and_data()
    {
        var (started, valid) = await Client.StartedSessionAsync();
        await Client.MoveOkAsync(started.Id, started.Token, valid);

        var events = await Client.GetEventsAsync(started.Id);

        events.Length.ShouldBe(2);
        events[0].GetProperty("version").GetInt64().ShouldBe(1);
        events[0].GetProperty("type").GetString().ShouldBe("session_started");
        events[0].GetProperty("data").GetProperty("seed").GetInt64().ShouldBe(12345);
        events[1].GetProperty("version").GetInt64().ShouldBe(2);
        events[1].GetProperty("type").GetString().ShouldBe("tiles_moved");
        events[1].GetProperty("data").GetProperty("direction").GetString().ShouldBe(valid);
        events[1].GetProperty("sequence").GetInt64().ShouldBeGreaterThan(events[0].GetProperty("sequence").GetInt64());
    }
}
