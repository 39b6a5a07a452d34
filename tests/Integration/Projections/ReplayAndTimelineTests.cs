using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventApi.Api.Features.Sessions;
using EventApi.Domain.Game;
using EventApi.Integration.Infrastructure;
using EventApi.Projections.Timelines;
using Marten;
using Marten.Events;
using Npgsql;

namespace EventApi.Integration.Projections;

public sealed class ReplayAndTimelineTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task time_travel_to_a_version_or_a_moment_gives_the_view_returned_then()
    {
        var game = await Client.PlayedSessionAsync("alice", 42, randomSeed: 9, maxMoves: 40, batch: 7, abandon: true);

        foreach (var (view, seenAt) in game.Steps)
        {
            (await Replay($"version={view.Version}")).ShouldBeEquivalentTo(view);
            (await Replay($"at={Uri.EscapeDataString(seenAt.ToString("O"))}")).ShouldBeEquivalentTo(view);
        }

        var first = await Replay("version=1");
        first.Board.ShouldBe(game.Started.Board);
        first.Version.ShouldBe(1);
        first.MoveCount.ShouldBe(0);
        return;

        async Task<SessionResponse> Replay(string query)
        {
            using var response = await Client.GetAsync($"/sessions/{game.Started.Id}/replay?{query}");
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
            return JsonSerializer.Deserialize<SessionResponse>(body, SessionsClient.Json)!;
        }
    }

    [Fact]
    public async Task time_travel_to_a_time_the_api_showed_gives_the_session_exactly_as_it_was_then()
    {
        var game = await Client.PlayedSessionAsync("alice", 7, randomSeed: 3, maxMoves: 30, batch: 1, abandon: true);
        // The start answer as a plain view: without the owner's token and webhook secret.
        var start = JsonSerializer.Deserialize<SessionResponse>(JsonSerializer.Serialize<SessionResponse>(game.Started, SessionsClient.Json), SessionsClient.Json)!;
        SessionResponse[] shown = [start, .. game.Steps.Select(s => s.View)];

        (await ReplayAtAsync(game.Started.Id, start.StartedAt)).ShouldBeEquivalentTo(start);
        foreach (var view in shown)
        {
            var then = await ReplayAtAsync(game.Started.Id, view.UpdatedAt);
            then.Version.ShouldBe(view.Version, $"at {view.UpdatedAt:O}");
            then.ShouldBeEquivalentTo(view);
        }

        // The store's timestamp of each event is the time of the command that appended it: one clock.
        var events = await Client.GetEventsAsync(game.Started.Id);
        foreach (var view in shown)
        {
            events.Single(e => e.GetProperty("version").GetInt64() == view.Version).GetProperty("timestamp").GetDateTimeOffset()
                .ShouldBe(view.UpdatedAt);
        }
    }

    private async Task<SessionResponse> ReplayAtAsync(Guid id, DateTimeOffset at)
    {
        using var response = await Client.GetAsync($"/sessions/{id}/replay?at={Uri.EscapeDataString(at.ToString("O"))}");
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return JsonSerializer.Deserialize<SessionResponse>(body, SessionsClient.Json)!;
    }

    [Theory]
    [InlineData("version=0")]
    [InlineData("version=99")]
    [InlineData("at=2000-01-01T00:00:00Z")]
    public async Task time_travel_outside_the_stream_is_a_422_problem(string query)
    {
        var started = await Client.StartAsync();

        using var response = await Client.GetAsync($"/sessions/{started.Id}/replay?{query}");

        (await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "urn:eventapi:problem:version-out-of-range"))
            .CurrentVersion.ShouldBe(1);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?version=1&at=2026-01-01T00:00:00Z")]
    public async Task time_travel_needs_exactly_one_of_version_and_at(string query)
    {
        var started = await Client.StartAsync();

        using var response = await Client.GetAsync($"/sessions/{started.Id}/replay{query}");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "urn:eventapi:problem:validation-failed");
    }

    [Fact]
    public async Task time_travel_in_an_unknown_session_is_a_404_problem()
    {
        using var response = await Client.GetAsync($"/sessions/{Guid.NewGuid()}/replay?version=1");

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "urn:eventapi:problem:session-not-found");
    }

    [Fact]
    public async Task the_timeline_has_one_frame_per_move_with_the_board_and_score_after_it()
    {
        var game = await Client.PlayedSessionAsync("alice", 12345, randomSeed: 11, maxMoves: 25, batch: 5);
        await Api.Store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));

        using var response = await Client.GetAsync($"/sessions/{game.Started.Id}/timeline");
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        using var document = JsonDocument.Parse(body);
        var data = document.RootElement.GetProperty("data");

        data.GetProperty("version").GetInt64().ShouldBe(game.Final.Version);
        data.GetProperty("start").Deserialize<int[][]>().ShouldBe(game.Started.Board);
        var frames = data.GetProperty("frames").EnumerateArray().ToArray();
        frames.Length.ShouldBe(game.Moves.Count);

        // The client's own engine, replaying the same seed and moves, sees the same frames.
        var engine = Engine.Start(12345, out _, out _);
        var merges = new Tile[Rules.MaxMergesPerMove];
        for (var i = 0; i < frames.Length; i++)
        {
            Engine.TryMove(ref engine, game.Moves[i], merges, out var outcome).ShouldBeTrue();
            frames[i].GetProperty("merged").Deserialize<Tile[]>(SessionsClient.Json).ShouldBe(merges[..outcome.MergeCount]);
            frames[i].GetProperty("version").GetInt64().ShouldBe(i + 2);
            frames[i].GetProperty("move").GetString().ShouldBe(Moves.NameOf(game.Moves[i]));
            frames[i].GetProperty("scoreGained").GetInt32().ShouldBe(outcome.ScoreGained);
            frames[i].GetProperty("score").GetInt32().ShouldBe(engine.Score);
            frames[i].GetProperty("spawned").Deserialize<Tile>(SessionsClient.Json).ShouldBe(outcome.Spawned);
            frames[i].GetProperty("board").Deserialize<int[][]>().ShouldBe(engine.Board.ToRows());
        }

        frames[^1].GetProperty("board").Deserialize<int[][]>().ShouldBe(game.Final.Board);
    }

    [Fact]
    public async Task a_timeline_built_over_several_daemon_batches_carries_on_from_where_each_left_off()
    {
        const uint seed = 4242;
        var started = await Client.StartAsync("alice", seed);
        var engine = Engine.Start(seed, out _, out _);
        var random = new Random(5);
        var expected = new List<(int Score, int[][] Board)>();

        // Each request's moves reach the daemon in a batch of their own: the next batch starts from the stored head.
        for (var request = 0; request < 4 && !engine.Over; request++)
        {
            var moves = new List<string>();
            while (moves.Count < 6 && !engine.Over)
            {
                moves.Add(Moves.NameOf(Moves.NextRandom(ref engine, random)));
                expected.Add((engine.Score, engine.Board.ToRows()));
            }

            var view = await Client.MoveOkAsync(started.Id, started.Token, [.. moves]);
            await Api.Store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));

            using var document = JsonDocument.Parse(await Client.GetStringAsync($"/sessions/{started.Id}/timeline"));
            var data = document.RootElement.GetProperty("data");
            data.GetProperty("version").GetInt64().ShouldBe(view.Version);
            var frames = data.GetProperty("frames").EnumerateArray().ToArray();
            frames.Length.ShouldBe(expected.Count);
            for (var i = 0; i < frames.Length; i++)
            {
                frames[i].GetProperty("version").GetInt64().ShouldBe(i + 2);
                frames[i].GetProperty("score").GetInt32().ShouldBe(expected[i].Score);
                frames[i].GetProperty("board").Deserialize<int[][]>().ShouldBe(expected[i].Board);
            }

            // One segment of frames a batch, each written once.
            await using var query = Api.Store.QuerySession();
            (await query.Query<SessionTimelineSegment>().Where(s => s.SessionId == started.Id).CountAsync()).ShouldBe(request + 1);
        }
    }

    [Theory]
    [InlineData("frames")]
    [InlineData("moves")]
    public async Task a_timeline_segment_written_in_an_earlier_shape_reads_the_same(string shape)
    {
        var game = await Client.PlayedSessionAsync("alice", 99, randomSeed: 4, maxMoves: 12, batch: 4);
        await Api.Store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
        var before = await TimelineDataAsync(game.Started.Id);

        // Each segment as an earlier version of the projection wrote it: its frames (the first), or the game before its
        // moves and the moves as a list of objects (the second); its id and session either way.
        await using (var query = Api.Store.QuerySession())
        {
            var segments = await query.Query<SessionTimelineSegment>().Where(s => s.SessionId == game.Started.Id).ToListAsync();
            segments.ShouldNotBeEmpty();
            await using var connection = new NpgsqlConnection(Api.ConnectionString);
            await connection.OpenAsync();
            var serializer = Api.Store.Options.Serializer();
            foreach (var segment in segments)
            {
                await using var update = new NpgsqlCommand(shape == "frames"
                    ? "update mt_doc_sessiontimelinesegment set data = jsonb_build_object('id', id, 'sessionId', @session::uuid, 'frames', @list::jsonb) where id = @id"
                    : "update mt_doc_sessiontimelinesegment set data = jsonb_build_object('id', id, 'sessionId', @session::uuid, 'board', data->'board', 'score', data->'score', 'moves', @list::jsonb) where id = @id",
                    connection);
                update.Parameters.AddWithValue("id", segment.Id);
                update.Parameters.AddWithValue("session", game.Started.Id);
                update.Parameters.AddWithValue("list", shape == "frames"
                    ? serializer.ToJson(SessionTimelineSegment.FramesOf([segment]).ToArray())
                    : serializer.ToJson(segment.MovesPlayed().ToArray()));
                (await update.ExecuteNonQueryAsync()).ShouldBe(1);
            }
        }

        (await TimelineDataAsync(game.Started.Id)).ShouldBe(before);
    }

    private async Task<string> TimelineDataAsync(Guid id)
    {
        using var document = JsonDocument.Parse(await Client.GetStringAsync($"/sessions/{id}/timeline"));
        var data = document.RootElement.GetProperty("data");
        data.GetProperty("frames").GetArrayLength().ShouldBeGreaterThan(0);
        return data.GetRawText();
    }

    [Fact]
    public async Task the_timeline_of_an_unknown_session_is_a_404_problem()
    {
        using var response = await Client.GetAsync($"/sessions/{Guid.NewGuid()}/timeline");

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "urn:eventapi:problem:session-not-found");
    }

    [Fact]
    public async Task a_sealed_session_replayed_while_active_keeps_its_seed_hidden()
    {
        var started = await Client.StartAsync(seed: null);

        var view = await Client.GetFromJsonAsync<SessionResponse>($"/sessions/{started.Id}/replay?version=1", SessionsClient.Json);

        view!.Seed.ShouldBeNull();
        view.SeedCommitment.ShouldBe(started.SeedCommitment);
    }
}
