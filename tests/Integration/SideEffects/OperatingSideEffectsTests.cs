using System.Net;
using EventApi.Api.Features.SideEffects;
using EventApi.Integration.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace EventApi.Integration.SideEffects;

/// <summary>What operators see and do: metrics, the summary, replays by filters, and side effects of an unknown kind.</summary>
public sealed class OperatingSideEffectsTests(SideEffectsApiFactory api) : SideEffectsTest(api)
{
    [Fact]
    public async Task deliveries_retries_dead_letters_and_the_lag_are_measured_and_summarised()
    {
        using var measurements = new Measurements(Api, SideEffectsMetrics.MeterName);
        var flaky = await Client.AbandonedSessionAsync("rita", Receiver.UrlFor("flaky", new Behaviour.FailFirst(1)));
        var gone = await Client.AbandonedSessionAsync("rita", Receiver.UrlFor("gone", new Behaviour.Always(410)), seed: 2);
        await Api.WaitForSideEffectsAsync(flaky.Id, 1, SideEffectStatus.Delivered);
        await Api.WaitForSideEffectsAsync(gone.Id, 1, SideEffectStatus.DeadLettered);
        // The dispatcher counts an outcome once its transaction has committed: a moment after the records show it.
        await WebhookReceiver.WaitUntilAsync(
            () => measurements.Sum("eventapi.side_effects.delivered") >= 1 && measurements.Sum("eventapi.side_effects.dead_lettered") >= 1,
            "the delivery and the dead letter to be counted", DaemonTesting.Patience);

        measurements.Sum("eventapi.side_effects.delivered", SideEffectKind.Webhook).ShouldBe(1);
        measurements.Sum("eventapi.side_effects.retried", SideEffectKind.Webhook).ShouldBe(1);
        measurements.Sum("eventapi.side_effects.dead_lettered", SideEffectKind.Webhook).ShouldBe(1);
        measurements.Count("eventapi.side_effects.lag").ShouldBe(1);
        measurements.Sum("eventapi.side_effects.lag").ShouldBeGreaterThan(0);

        await Api.Services.GetRequiredService<SideEffectsSweeper>().SweepAsync(CancellationToken.None);
        measurements.Observe();
        measurements.Last("eventapi.side_effects.pending").ShouldBe(0);
        measurements.Last("eventapi.side_effects.waiting").ShouldBe(0);

        var summary = await Client.GetAdminJsonAsync("/admin/side-effects");
        var counts = summary.GetProperty("counts");
        (counts.GetProperty("pending").GetInt64(), counts.GetProperty("delivered").GetInt64(), counts.GetProperty("deadLettered").GetInt64())
            .ShouldBe((0, 1, 1));
        var lag = summary.GetProperty("lag");
        lag.GetProperty("deliveries").GetInt32().ShouldBe(1);
        lag.GetProperty("p50Seconds").GetDouble().ShouldBeGreaterThan(0);
        lag.GetProperty("p99Seconds").GetDouble().ShouldBe(lag.GetProperty("maxSeconds").GetDouble());
    }

    [Fact]
    public async Task replaying_by_filters_replays_every_matching_dead_letter_and_no_other()
    {
        var goneUrl = Receiver.UrlFor("gone", new Behaviour.Always(410));
        var first = await Client.AbandonedSessionAsync("sam", goneUrl, seed: 1);
        var second = await Client.AbandonedSessionAsync("sam", goneUrl, seed: 2);
        var down = await Client.AbandonedSessionAsync("sam", WebhookReceiver.DownUrl(), seed: 3);
        foreach (var session in new[] { first.Id, second.Id, down.Id })
            await Api.WaitForSideEffectsAsync(session, 1, SideEffectStatus.DeadLettered);
        (await Client.GetAdminJsonAsync("/admin/dead-letters?limit=2")).GetProperty("deadLetters").GetArrayLength().ShouldBe(2);

        Receiver.Behave("gone", Behaviour.Succeed);
        var replay = await Client.SendAdminJsonAsync(HttpMethod.Post, "/admin/dead-letters/replay?exceptionType=WebhookRejectedException", HttpStatusCode.Accepted);

        (replay.GetProperty("replayed").GetInt32(), replay.GetProperty("sessions").GetInt32()).ShouldBe((2, 2));
        await Api.WaitForSideEffectsAsync(first.Id, 1, SideEffectStatus.Delivered);
        await Api.WaitForSideEffectsAsync(second.Id, 1, SideEffectStatus.Delivered);
        Receiver.Delivered("gone").Count.ShouldBe(2);
        var left = await Client.GetAdminJsonAsync("/admin/dead-letters");
        left.GetProperty("total").GetInt32().ShouldBe(1);
        left.GetProperty("deadLetters")[0].GetProperty("sessionId").GetGuid().ShouldBe(down.Id);
    }

    [Theory]
    [InlineData("/admin/dead-letters?limit=0")]
    [InlineData("/admin/dead-letters?limit=1001")]
    public async Task a_dead_letter_limit_out_of_range_is_a_400_problem(string path)
    {
        using var response = await Client.SendAdminAsync(HttpMethod.Get, path);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "urn:eventapi:problem:validation-failed");
        problem.Errors!.Keys.ShouldBe(["limit"]);
    }

    [Fact]
    public async Task replaying_a_side_effect_that_is_not_a_dead_letter_is_a_404_problem()
    {
        using var response = await Client.SendAdminAsync(HttpMethod.Post, $"/admin/dead-letters/{Guid.NewGuid()}:2:webhook/replay");

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "urn:eventapi:problem:dead-letter-not-found");
    }

    [Fact]
    public async Task a_side_effect_of_a_kind_this_version_does_not_know_stops_its_session_with_the_error_and_is_neither_skipped_nor_dead_lettered()
    {
        var started = await Client.StartAsync("tina", 1, Receiver.UrlFor("after-unknown"));
        var now = DateTimeOffset.UtcNow;
        var unknown = new SideEffect
        {
            Id = SideEffect.IdFor(started.Id, 1, "sms"),
            SessionId = started.Id,
            Version = 1,
            Sequence = 1,
            Kind = "sms",
            EventType = "session_started",
            EventTimestamp = now,
            CreatedAt = now,
            NextAttemptAt = now,
        };
        await using (var session = Api.Store.LightweightSession())
        {
            session.Store(unknown);
            await session.SaveChangesAsync();
        }

        (await Client.AbandonAsync(started.Id, started.Token)).EnsureSuccessStatusCode();
        await Api.WaitForProjectionsAsync();
        await Api.Services.GetRequiredService<IMessageBus>().PublishAsync(new DeliverSideEffects(started.Id));

        SideEffect? blocked = null;
        await WebhookReceiver.WaitUntilAsync(async () =>
        {
            await using var query = Api.Store.QuerySession();
            blocked = await query.LoadAsync<SideEffect>(unknown.Id);
            return blocked?.LastError is not null;
        }, "the unknown kind's error", SideEffectsTesting.Patience);

        blocked!.Status.ShouldBe(SideEffectStatus.Pending);
        blocked.Attempts.ShouldBe(0);
        blocked.LastError!.ShouldContain("'sms'");
        blocked.NextAttemptAt.ShouldBeGreaterThan(now);
        (await Api.SideEffectsOfAsync(started.Id)).Single(s => s.Kind == SideEffectKind.Webhook).Status.ShouldBe(SideEffectStatus.Pending);
        Receiver.Requests("after-unknown").ShouldBeEmpty();
        (await Client.GetAdminJsonAsync("/admin/side-effects")).GetProperty("counts").GetProperty("unknownKind").GetInt64().ShouldBe(1);
        (await Client.GetAdminJsonAsync("/admin/dead-letters")).GetProperty("total").GetInt32().ShouldBe(0);
    }
}
