using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventApi.Api.Features.Sessions;
using EventApi.Api.Live;
using EventApi.Domain.Game;
using EventApi.Integration.Infrastructure;
using EventApi.Projections.Sessions;
using Microsoft.Extensions.DependencyInjection;

namespace EventApi.Integration.Live;

/// <summary><c>GET /sessions/{id}/live</c> watched by real HTTP streaming clients: every frame in order, resuming without
/// a gap, redaction, the slow spectator, and every refusal.</summary>
[Collection(LiveCollection.Name)]
public sealed class WatchingASessionTests(LiveApiFactory api) : ApiTest(api)
{
    private new LiveApiFactory Api => (LiveApiFactory)base.Api;

    [Fact]
    public async Task a_spectator_sees_every_move_in_order_with_the_views_the_moves_answered()
    {
        var started = await Client.StartAsync("alice", 12345);
        await using var stream = await LiveStream.OpenAsync(Client, started.Id, contract: Api.Contract);

        var first = (await stream.NextAsync())!;
        first.EventType.ShouldBe("session");
        first.Id.ShouldBe(1);
        first.Frame.Event.ShouldBeNull();
        LiveStream.Json(first.Frame.Session).ShouldBe(LiveStream.Json(await Client.GetSessionAsync(started.Id)));

        var game = Engine.Start(12345, out _, out _);
        var moves = Moves.NamesOf(Moves.PlayRandom(ref game, new Random(3), maxMoves: 40));
        var seen = new List<ReceivedFrame> { first };
        // One move a request, then the rest in one request: each answer's view is the view of the frame of its last event.
        foreach (var request in moves.Take(20).Select(m => new[] { m }).Append(moves.Skip(20).ToArray()))
        {
            var view = await Client.MoveOkAsync(started.Id, started.Token, request);
            var frames = await stream.ThroughAsync(view.Version);
            LiveStream.Json(frames[^1].Frame.Session).ShouldBe(LiveStream.Json(view));
            seen.AddRange(frames);
        }

        var abandoned = await Client.AbandonOkAsync(started.Id, started.Token);
        var last = (await stream.NextAsync())!;
        last.EventType.ShouldBe("session_abandoned");
        LiveStream.Json(last.Frame.Session).ShouldBe(LiveStream.Json(abandoned));
        seen.Add(last);
        (await stream.NextAsync()).ShouldBeNull("the stream closes after the frame of the event that ends the session");

        seen.Select(f => f.Id).ShouldBe(LiveStream.Versions(1, abandoned.Version));
        seen.Skip(1).Select(f => f.Frame.Event!.Version).ShouldBe(seen.Skip(1).Select(f => f.Id));
        seen.Skip(1).Select(f => f.EventType).ShouldBe(seen.Skip(1).Select(f => f.Frame.Event!.Type));
        var events = await Client.GetEventsAsync(started.Id);
        var shown = events.Skip(1).Select(e => JsonNode.Parse(e.GetProperty("data").GetRawText())).ToList();
        seen.Skip(1).Select((f, i) => JsonNode.DeepEquals(f.Frame.Event!.Data, shown[i])).ShouldAllBe(same => same, "each frame's event is as /events shows it");
    }

    [Fact]
    public async Task resuming_with_last_event_id_sends_exactly_the_missed_events_once_and_goes_on_live()
    {
        var (started, _) = await Client.StartedSessionAsync(12345);
        var game = Engine.Start(12345, out _, out _);
        var moves = Moves.NamesOf(Moves.PlayRandom(ref game, new Random(5), maxMoves: 12));

        long lastSeen;
        await using (var stream = await LiveStream.OpenAsync(Client, started.Id, contract: Api.Contract))
        {
            await stream.NextAsync();
            var view = await Client.MoveOkAsync(started.Id, started.Token, moves[0]);
            view = await Client.MoveOkAsync(started.Id, started.Token, moves[1]);
            lastSeen = (await stream.ThroughAsync(view.Version))[^1].Id;
        }

        // Away: three requests' events are appended.
        SessionResponse missed = null!;
        foreach (var move in moves[2..5]) missed = await Client.MoveOkAsync(started.Id, started.Token, move);

        // A browser reconnects to the URL it had (?after=1 here) and sends the id of the last frame it got: the header wins.
        await using var resumed = await LiveStream.OpenAsync(Client, started.Id, after: 1, lastEventId: $"{lastSeen}", contract: Api.Contract);
        var caughtUp = await resumed.ThroughAsync(missed.Version);
        caughtUp.Select(f => f.Id).ShouldBe(LiveStream.Versions(lastSeen + 1, missed.Version));
        caughtUp.ShouldAllBe(f => f.EventType != "session", "a resume sends the missed events, not the session again");
        LiveStream.Json(caughtUp[^1].Frame.Session).ShouldBe(LiveStream.Json(missed));

        var next = await Client.MoveOkAsync(started.Id, started.Token, moves[5]);
        (await resumed.ThroughAsync(next.Version)).Select(f => f.Id).ShouldBe(LiveStream.Versions(missed.Version + 1, next.Version));
    }

    [Fact]
    public async Task a_resume_deep_in_a_long_stream_folds_from_the_last_checkpoint_before_it_or_from_the_first_event()
    {
        var (seed, moves) = Scenarios.GameReaching512();
        var started = await Client.StartAsync("alice", seed);
        foreach (var chunk in moves.Chunk(37)) await Client.MoveOkAsync(started.Id, started.Token, chunk);
        var ended = await Client.AbandonOkAsync(started.Id, started.Token);
        var every = SessionCheckpoint.Every;
        var after = 2 * every + 17;
        ended.Version.ShouldBeGreaterThan(after);

        var resumed = await FramesAfterAsync(started.Id, after);
        resumed.Select(f => f.Id).ShouldBe(LiveStream.Versions(after + 1, ended.Version));
        LiveStream.Json(resumed[^1].Frame.Session).ShouldBe(LiveStream.Json(ended));

        // A checkpoint that says something the events do not: the resume shows it, so it folded from there.
        await using (var session = Api.Store.LightweightSession())
        {
            var checkpoint = (await session.LoadAsync<SessionCheckpoint>(SessionCheckpoint.IdOf(started.Id, 2 * every)))!;
            checkpoint.State = checkpoint.State with { Player = "mallory" };
            session.Store(checkpoint);
            await session.SaveChangesAsync();
        }

        (await FramesAfterAsync(started.Id, after)).ShouldAllBe(f => f.Frame.Session.Player == "mallory");

        // Without checkpoints (a stream written before they were kept), from the first event: the same frames.
        await Api.Store.Advanced.Clean.DeleteDocumentsByTypeAsync(typeof(SessionCheckpoint));
        (await FramesAfterAsync(started.Id, after)).Select(f => f.RawData).ShouldBe(resumed.Select(f => f.RawData));
    }

    private async Task<List<ReceivedFrame>> FramesAfterAsync(Guid id, long after)
    {
        await using var stream = await LiveStream.OpenAsync(Client, id, after: after, contract: Api.Contract);
        return await stream.ToEndAsync();
    }

    [Fact]
    public async Task after_resumes_like_last_event_id_and_after_zero_starts_from_the_first_event()
    {
        var started = await Client.StartAsync("alice", 12345);
        var game = Engine.Start(12345, out _, out _);
        var view = await Client.MoveOkAsync(started.Id, started.Token, Moves.NamesOf(Moves.PlayRandom(ref game, new Random(9), maxMoves: 5)));

        await using var fromTwo = await LiveStream.OpenAsync(Client, started.Id, after: 2, contract: Api.Contract);
        (await fromTwo.ThroughAsync(view.Version)).Select(f => f.Id).ShouldBe(LiveStream.Versions(3, view.Version));

        await using var fromStart = await LiveStream.OpenAsync(Client, started.Id, after: 0, contract: Api.Contract);
        var all = await fromStart.ThroughAsync(view.Version);
        all[0].EventType.ShouldBe("session_started");
        all.Select(f => f.Id).ShouldBe(LiveStream.Versions(1, view.Version));
    }

    [Fact]
    public async Task no_frame_shows_a_sealed_secret_before_the_end_or_a_callback_url_ever()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var callbackUrl = receiver.UrlFor("live-redaction");
        var started = await Client.StartAsync("alice", seed: null, callbackUrl);
        started.Generator.ShouldBe(GeneratorName.HmacSha256);

        await using var stream = await LiveStream.OpenAsync(Client, started.Id, after: 0, contract: Api.Contract);
        SessionResponse view = started;
        var random = new Random(11);
        for (var i = 0; i < 10 && view.Status == SessionStatusName.Active; i++)
        {
            var board = Board.FromRows(view.Board);
            var direction = Enumerable.Range(random.Next(4), 4).Select(d => (Direction)(d % 4)).First(d => Moves.MovesSomething(board, d));
            view = await Client.MoveOkAsync(started.Id, started.Token, Moves.NameOf(direction));
        }

        if (view.Status == SessionStatusName.Active) await Client.AbandonOkAsync(started.Id, started.Token);
        var frames = await stream.ToEndAsync();
        var revealed = await Client.GetSessionAsync(started.Id);
        var secret = revealed.Secret.ShouldNotBeNull();
        var secretBase64 = Convert.ToBase64String(Convert.FromHexString(secret));

        frames[0].EventType.ShouldBe("session_started");
        frames[0].Frame.Event!.Data!["secret"].ShouldBeNull();
        foreach (var frame in frames)
        {
            frame.RawData.ShouldNotContain(callbackUrl);
            frame.RawData.ShouldNotContain("live-redaction");
            if (frame.Frame.Session.Status != SessionStatusName.Active) continue;
            frame.RawData.ShouldNotContain(secret, Case.Insensitive);
            frame.RawData.ShouldNotContain(secretBase64);
        }

        // The frame of the event that ends the game reveals the secret, as /events does from then on.
        frames[^1].Frame.Session.Secret.ShouldBe(secret);
    }

    [Fact]
    public async Task a_spectator_that_reads_nothing_is_dropped_while_the_writer_and_other_spectators_go_on()
    {
        var (seed, moves) = Scenarios.GameReaching512();
        var started = await Client.StartAsync("alice", seed);
        using var smallWindow = Api.CreateSmallWindowClient();
        await using var slow = await LiveStream.OpenAsync(smallWindow, started.Id);
        await using var fast = await LiveStream.OpenAsync(Client, started.Id, contract: Api.Contract);

        // Far more reads than the slow spectator's backlog and its few KiB of socket buffers hold: one move a request. The
        // spectator that reads takes each move's frames before the next move, so it is never more than one read behind
        // however busy the machine is; the one that reads nothing falls behind by every read.
        const int Requests = 150;
        moves.Length.ShouldBeGreaterThan(Requests);
        (await fast.NextAsync()).ShouldNotBeNull();
        var ids = new List<long>();
        SessionResponse view = started;
        foreach (var move in moves.Take(Requests))
        {
            view = await Client.MoveOkAsync(started.Id, started.Token, move);
            ids.AddRange((await fast.ThroughAsync(view.Version)).Select(f => f.Id));
        }

        ids.ShouldBe(LiveStream.Versions(2, view.Version), "the spectator that reads sees every frame");

        // The slow spectator now reads: what its buffers held, then the end of a cut connection, well short of the last version.
        var slowIds = new List<long>();
        try
        {
            while (await slow.NextAsync() is { } frame) slowIds.Add(frame.Id);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            // The connection was cut: that is the drop.
        }

        slowIds.Count.ShouldBeLessThan((int)view.Version - 1, "the slow spectator was dropped");
        await using var resumed = await LiveStream.OpenAsync(Client, started.Id, lastEventId: $"{slow.LastId ?? 0}", contract: Api.Contract);
        (await resumed.ThroughAsync(view.Version)).Select(f => f.Id).ShouldBe(LiveStream.Versions((slow.LastId ?? 0) + 1, view.Version));
    }

    [Fact]
    public async Task streams_open_with_a_retry_hint_and_carry_heartbeat_comments_while_idle()
    {
        var started = await Client.StartAsync("alice", 12345);
        using var response = await LiveStream.SendAsync(Client, started.Id);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.CacheControl!.NoCache.ShouldBeTrue();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);

        (await reader.ReadLineAsync()).ShouldBe("retry: 500");
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (await reader.ReadLineAsync(patience.Token) is { } line)
        {
            if (line.StartsWith(':')) return;
        }

        throw new ShouldAssertException("The stream ended without a heartbeat.");
    }

    [Fact]
    public async Task resuming_an_ended_session_with_nothing_left_is_204_and_a_fresh_watch_gets_its_last_view()
    {
        var started = await Client.StartAsync("alice", 12345);
        var ended = await Client.AbandonOkAsync(started.Id, started.Token);

        using var nothingMore = await LiveStream.SendAsync(Client, started.Id, lastEventId: $"{ended.Version}");
        nothingMore.StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await using var fresh = await LiveStream.OpenAsync(Client, started.Id, contract: Api.Contract);
        var frames = await fresh.ToEndAsync();
        frames.Select(f => (f.EventType, f.Id)).ShouldBe([("session", ended.Version)]);
        frames[0].Frame.Session.Status.ShouldBe(SessionStatusName.Abandoned);
    }

    [Fact]
    public async Task bad_requests_for_a_stream_are_problems()
    {
        var started = await Client.StartAsync("alice", 12345);

        using (var response = await LiveStream.SendAsync(Client, Guid.NewGuid()))
            await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "urn:eventapi:problem:session-not-found");
        using (var response = await LiveStream.SendAsync(Client, started.Id, after: 2))
        {
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "urn:eventapi:problem:version-out-of-range");
            problem.CurrentVersion.ShouldBe(1);
        }

        using (var response = await LiveStream.SendAsync(Client, started.Id, after: -1))
            await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "urn:eventapi:problem:validation-failed");
        using (var response = await LiveStream.SendAsync(Client, started.Id, lastEventId: "seven"))
            await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "urn:eventapi:problem:invalid-header");
        using (var response = await LiveStream.SendAsync(Client, started.Id, accept: "application/json"))
            await response.ShouldBeProblemAsync(HttpStatusCode.NotAcceptable, "urn:eventapi:problem:not-acceptable");
    }

    [Fact]
    public async Task beyond_the_nodes_cap_a_stream_is_refused_with_503_and_retry_after_until_one_closes()
    {
        var started = await Client.StartAsync("alice", 12345);
        var open = new List<LiveStream>();
        try
        {
            HttpResponseMessage refused;
            while (true)
            {
                // Streams of earlier tests may still be closing: open until the node refuses.
                open.Count.ShouldBeLessThanOrEqualTo(LiveApiFactory.MaxConnections);
                var response = await LiveStream.SendAsync(Client, started.Id);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    refused = response;
                    break;
                }

                open.Add(await LiveStream.FromAsync(response, started.Id));
            }

            using (refused)
            {
                await refused.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "urn:eventapi:problem:live-capacity-reached");
                refused.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(5));
            }

            await open[0].DisposeAsync();
            open.RemoveAt(0);
            await WebhookReceiver.WaitUntilAsync(async () =>
            {
                using var response = await LiveStream.SendAsync(Client, started.Id);
                return response.StatusCode == HttpStatusCode.OK;
            }, "a stream to open once another has closed", TimeSpan.FromSeconds(15));
        }
        finally
        {
            foreach (var stream in open) await stream.DisposeAsync();
            // The node counts its streams: the next test starts with none of these.
            var live = Api.Services.GetRequiredService<LiveSessions>();
            await WebhookReceiver.WaitUntilAsync(() => live.Connections == 0, "the node to close every stream", TimeSpan.FromSeconds(15));
        }
    }
}
