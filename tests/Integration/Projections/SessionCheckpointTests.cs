using System.Net;
using System.Text.Json;
using EventApi.Api.Features.Sessions;
using EventApi.Domain.Sessions;
using EventApi.Integration.Infrastructure;
using EventApi.Projections.Sessions;
using JasperFx.Events;
using Marten;

namespace EventApi.Integration.Projections;

/// <summary>Checkpoints of a session's state every <see cref="SessionCheckpoint.Every"/> events, and replays that start
/// from them.</summary>
public sealed class SessionCheckpointTests(ApiFactory api) : ApiTest(api)
{
    /// <summary>A long game (a few hundred events) played 37 moves a request, so that checkpoints fall inside requests.</summary>
    private async Task<(Guid Id, IReadOnlyList<IEvent> Events)> LongGameAsync()
    {
        var (seed, moves) = Scenarios.GameReaching512();
        var started = await Client.StartAsync("alice", seed);
        foreach (var chunk in moves.Chunk(37)) await Client.MoveOkAsync(started.Id, started.Token, chunk);
        await Client.AbandonOkAsync(started.Id, started.Token);

        await using var query = Api.Store.QuerySession();
        var events = await query.Events.FetchStreamAsync(started.Id);
        events.Count.ShouldBeGreaterThan(2 * SessionCheckpoint.Every);
        return (started.Id, events);
    }

    private async Task<IReadOnlyList<SessionCheckpoint>> CheckpointsAsync(Guid id)
    {
        await using var query = Api.Store.QuerySession();
        return await query.Query<SessionCheckpoint>().Where(c => c.SessionId == id).OrderBy(c => c.Version).ToListAsync();
    }

    [Fact]
    public async Task every_hundredth_version_of_a_stream_has_a_checkpoint_of_the_fold_up_to_it_written_with_its_events()
    {
        var (id, events) = await LongGameAsync();

        var checkpoints = await CheckpointsAsync(id);

        checkpoints.Select(c => c.Version).ShouldBe(
            Enumerable.Range(1, events.Count / SessionCheckpoint.Every).Select(k => (long)k * SessionCheckpoint.Every));
        foreach (var checkpoint in checkpoints)
        {
            var upTo = events.Take((int)checkpoint.Version).ToList();
            checkpoint.Id.ShouldBe(SessionCheckpoint.IdOf(id, checkpoint.Version));
            checkpoint.State.ShouldBe(SessionDecider.Fold(upTo.Select(e => e.Data)), $"at version {checkpoint.Version}");
            checkpoint.At.ShouldBe(upTo[^1].Timestamp);
        }
    }

    [Fact]
    public async Task a_replay_by_version_or_by_moment_on_either_side_of_a_checkpoint_is_the_fold_of_the_events_up_to_it()
    {
        var (id, events) = await LongGameAsync();
        var every = SessionCheckpoint.Every;

        foreach (var version in new long[] { 1, every - 1, every, every + 1, 2 * every - 1, 2 * every, 2 * every + 37, events.Count })
        {
            (await ReplayAsync(id, $"version={version}")).ShouldBeEquivalentTo(Expected(events, version), $"version {version}");
        }

        // Many events share a moment (one request's); a moment gives the last of them.
        foreach (var moment in events.Select(e => e.Timestamp).Distinct())
        {
            var version = events.Last(e => e.Timestamp <= moment).Version;
            (await ReplayAsync(id, $"at={Uri.EscapeDataString(moment.ToString("O"))}")).ShouldBeEquivalentTo(Expected(events, version), $"at {moment:O}");
        }
    }

    [Fact]
    public async Task a_replay_past_a_checkpoint_folds_from_that_checkpoint()
    {
        var (id, events) = await LongGameAsync();
        var every = SessionCheckpoint.Every;
        // A checkpoint that says something the events do not: a replay past it shows it, so it was the start of the fold.
        await using (var session = Api.Store.LightweightSession())
        {
            var checkpoint = (await session.LoadAsync<SessionCheckpoint>(SessionCheckpoint.IdOf(id, every)))!;
            checkpoint.State = checkpoint.State with { Player = "mallory" };
            session.Store(checkpoint);
            await session.SaveChangesAsync();
        }

        (await ReplayAsync(id, $"version={every + 1}")).Player.ShouldBe("mallory");
        (await ReplayAsync(id, $"at={Uri.EscapeDataString(events[every].Timestamp.ToString("O"))}")).Player.ShouldBe("mallory");
        (await ReplayAsync(id, $"version={every - 1}")).Player.ShouldBe("alice");
        (await ReplayAsync(id, $"version={2 * every}")).Player.ShouldBe("alice");
    }

    [Fact]
    public async Task a_stream_without_checkpoints_replays_from_its_first_event()
    {
        var (id, events) = await LongGameAsync();
        // As a stream written before checkpoints were kept.
        await Api.Store.Advanced.Clean.DeleteDocumentsByTypeAsync(typeof(SessionCheckpoint));
        (await CheckpointsAsync(id)).ShouldBeEmpty();
        var every = SessionCheckpoint.Every;

        foreach (var version in new long[] { every - 1, every, 2 * every + 1, events.Count })
        {
            (await ReplayAsync(id, $"version={version}")).ShouldBeEquivalentTo(Expected(events, version), $"version {version}");
        }

        foreach (var index in new[] { every - 1, every, 2 * every + 1, events.Count - 1 })
        {
            var moment = events[index].Timestamp;
            var version = events.Last(e => e.Timestamp <= moment).Version;
            (await ReplayAsync(id, $"at={Uri.EscapeDataString(moment.ToString("O"))}")).ShouldBeEquivalentTo(Expected(events, version), $"at {moment:O}");
        }
    }

    private static SessionResponse Expected(IReadOnlyList<IEvent> events, long version) =>
        SessionResponse.From(version, SessionDecider.Fold(events.Take((int)version).Select(e => e.Data)));

    private async Task<SessionResponse> ReplayAsync(Guid id, string query)
    {
        using var response = await Client.GetAsync($"/sessions/{id}/replay?{query}");
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return JsonSerializer.Deserialize<SessionResponse>(body, SessionsClient.Json)!;
    }
}
