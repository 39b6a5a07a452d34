using System.Text.Json;
using EventApi.Api.Features.SideEffects;
using EventApi.Domain.Game;
using EventApi.Domain.Sessions;
using EventApi.Integration.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EventApi.Integration.SideEffects;

/// <summary>The side-effects subscription: the daemon lists it, it stops on what it cannot read, and processing events
/// again writes nothing twice; the sweeper wakes sessions whose wake-up was lost.</summary>
public sealed class ConsumerTests(SideEffectsApiFactory api) : SideEffectsTest(api)
{
    private const string Shard = "side-effects:All";

    [Fact]
    public async Task the_subscription_is_an_async_shard_that_the_daemon_lists_and_readiness_watches()
    {
        await Client.AbandonedSessionAsync("nina", Receiver.UrlFor("listed"));
        await Api.WaitForProjectionsAsync();

        var shard = await Client.GetShardAsync(Shard);
        shard.GetProperty("projection").GetString().ShouldBe(SideEffectsSubscription.Name);
        shard.GetProperty("status").GetString().ShouldBe("running");
        shard.GetProperty("lagEvents").GetInt64().ShouldBe(0);
        shard.GetProperty("error").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Theory]
    [InlineData("achievement_unlocked", "EventApi.Domain.Sessions.AchievementUnlocked, EventApi.Domain", "{}", "unknownEventType", "achievement_unlocked")]
    [InlineData("game_over", "EventApi.Domain.Sessions.GameOver, EventApi.Domain", "{\"finalScore\": \"lots\"}", "eventSerialization", "game_over")]
    public async Task an_event_it_cannot_read_stops_the_subscription_with_the_error_instead_of_skipping_side_effects(string type, string dotnetType,
        string data, string category, string named)
    {
        var url = Receiver.UrlFor("after");
        var unreadable = await Client.StartAsync("olga", 1, url);
        var sequence = await AppendRawEventAsync(unreadable.Id, type, dotnetType, data);
        var later = await Client.AbandonedSessionAsync("olga", url);

        var shard = await WaitUntilPausedAsync();
        var error = shard.GetProperty("error");
        error.GetProperty("category").GetString().ShouldBe(category, error.ToString());
        error.GetProperty("eventType").GetString()!.ShouldContain(named);
        error.GetProperty("eventSequence").GetInt64().ShouldBe(sequence);
        shard.GetProperty("sequence").GetInt64().ShouldBeLessThan(sequence);

        // The later session's webhook is not delivered past the unreadable event: nothing was skipped.
        (await Api.SideEffectsOfAsync(later.Id)).ShouldBeEmpty();
        Receiver.Requests("after").ShouldBeEmpty();

        await Client.ReadinessShouldBeDegradedByAsync(Shard);
    }

    [Fact]
    public async Task an_end_of_game_written_by_the_first_version_gets_its_webhook_and_moves_do_not_stop_the_subscription()
    {
        var id = Guid.CreateVersion7();
        var at = DateTimeOffset.UtcNow;
        var game = Engine.Start(7u, out var first, out var second);
        MoveOutcome outcome = default;
        var moved = Enum.GetValues<Direction>().First(d => Engine.TryMove(ref game, d, new Tile[Rules.MaxMergesPerMove], out outcome));
        await Api.WriteAsTheFirstVersionDidAsync(id,
        [
            new SessionStartedV1(id, "uma", 7, false, SessionDecider.SeedCommitment(id, 7), Receiver.UrlFor("first"), [first, second], at),
            new TilesMoved(moved, [], outcome.ScoreGained, outcome.Spawned, at),
            new GameOverV1("uma", outcome.ScoreGained, 4, 1, 7, at),
        ]);

        var delivered = await Api.WaitForSideEffectsAsync(id, 1, SideEffectStatus.Delivered);
        delivered.Single().EventType.ShouldBe("game_over");
        delivered.Single().Version.ShouldBe(3);
        var shard = await Client.GetShardAsync(Shard);
        shard.GetProperty("status").GetString().ShouldBe("running");
        shard.GetProperty("error").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task processing_the_events_again_writes_no_side_effect_twice_and_delivers_nothing_again()
    {
        var started = await Client.SessionThatReached512Async("pat", Receiver.UrlFor("rewound"));
        var delivered = await Api.WaitForSideEffectsAsync(started.Id, 3, SideEffectStatus.Delivered);

        await (await Api.ProjectionDaemonAsync()).RewindSubscriptionAsync(SideEffectsSubscription.Name, CancellationToken.None, sequenceFloor: 0);
        await Api.WaitForProjectionsAsync();

        var again = await Api.SideEffectsOfAsync(started.Id);
        again.Select(s => (s.Id, s.Status, s.DeliveredAt)).ShouldBe(delivered.Select(s => (s.Id, s.Status, s.DeliveredAt)));
        Receiver.Requests("rewound").Count.ShouldBe(2);
    }

    [Fact]
    public async Task the_sweeper_wakes_a_session_whose_due_side_effect_lost_its_wake_up_and_only_such_sessions()
    {
        var lost = await Client.StartAsync("quinn", 1, Receiver.UrlFor("lost"));
        var notDue = await Client.StartAsync("quinn", 2, Receiver.UrlFor("not-due"));
        var now = DateTimeOffset.UtcNow;
        await using (var session = Api.Store.LightweightSession())
        {
            // Written as the subscription would, but with no wake-up published.
            // Due an hour ago (more than a sweep interval), and due in a minute.
            session.Store(Orphan(lost.Id, now.AddHours(-1)), Orphan(notDue.Id, now.AddMinutes(1)));
            await session.SaveChangesAsync();
        }

        var woken = await Api.Services.GetRequiredService<SideEffectsSweeper>().SweepAsync(CancellationToken.None);

        woken.ShouldBe([lost.Id]);
        await Api.WaitForStatusAsync(SideEffect.IdFor(lost.Id, 2, SideEffectKind.Webhook), SideEffectStatus.Delivered);
        Receiver.Delivered("lost").Count.ShouldBe(1);
        (await Api.SideEffectsOfAsync(notDue.Id)).Single().Status.ShouldBe(SideEffectStatus.Pending);
        Receiver.Requests("not-due").ShouldBeEmpty();

        SideEffect Orphan(Guid id, DateTimeOffset due) => new()
        {
            Id = SideEffect.IdFor(id, 2, SideEffectKind.Webhook),
            SessionId = id,
            Version = 2,
            Sequence = 1,
            Kind = SideEffectKind.Webhook,
            EventType = "session_abandoned",
            EventTimestamp = now,
            Url = id == lost.Id ? Receiver.UrlFor("lost") : Receiver.UrlFor("not-due"),
            Body = "{}",
            CreatedAt = now,
            NextAttemptAt = due,
        };
    }

    /// <summary>Appends an event straight into the session's stream, as a newer version of the API (or a damaged row)
    /// would leave it. Returns its sequence.</summary>
    private async Task<long> AppendRawEventAsync(Guid stream, string type, string dotnetType, string data)
    {
        await using var connection = Api.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "with s as (update mt_streams set version = version + 1 where id = @stream returning version) " +
            "insert into mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, is_archived) " +
            "select nextval('mt_events_sequence'), gen_random_uuid(), @stream, s.version, @data::jsonb, @type, now(), '*DEFAULT*', @dotnetType, false " +
            "from s returning seq_id", connection);
        command.Parameters.AddWithValue("stream", stream);
        command.Parameters.AddWithValue("type", type);
        command.Parameters.AddWithValue("dotnetType", dotnetType);
        command.Parameters.AddWithValue("data", data);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Waits (bounded) until GET /admin/projections shows the shard paused. The daemon retries a paused shard
    /// every few seconds, so a read may catch it running; the next one sees it paused again.</summary>
    private async Task<JsonElement> WaitUntilPausedAsync()
    {
        JsonElement shard = default;
        await WebhookReceiver.WaitUntilAsync(async () =>
        {
            shard = await Client.GetShardAsync(Shard);
            return shard.GetProperty("status").GetString() == "paused";
        }, $"{Shard} to pause", SideEffectsTesting.Patience);
        return shard;
    }
}
