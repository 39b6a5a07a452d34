using EventApi.Api.Features.SideEffects;
using EventApi.Integration.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace EventApi.Integration.SideEffects;

public sealed class RetentionTests(SideEffectsApiFactory api) : SideEffectsTest(api)
{
    private static readonly TimeSpan Retention = new SideEffectsOptions().Retention;

    private SideEffectsRetention Sweep => Api.Services.GetRequiredService<SideEffectsRetention>();

    [Fact]
    public async Task side_effects_delivered_or_discarded_before_the_retention_are_deleted_in_bounded_batches_and_no_other()
    {
        var now = DateTimeOffset.UtcNow;
        var old = now - Retention - TimeSpan.FromHours(1);
        var recent = now - Retention + TimeSpan.FromHours(1);
        var session = Guid.NewGuid();
        var version = 0L;
        SideEffect Record(string status, Action<SideEffect>? set = null)
        {
            version++;
            var record = new SideEffect
            {
                Id = SideEffect.IdFor(session, version, SideEffectKind.Webhook), SessionId = session, Version = version,
                Sequence = 1000 + version, Kind = SideEffectKind.Webhook, EventType = "game_over", Status = status,
                CreatedAt = old, NextAttemptAt = old, DeadLetteredAt = status == SideEffectStatus.DeadLettered ? old : null,
            };
            set?.Invoke(record);
            return record;
        }

        // Eleven past the retention: nine delivered, one discarded, one discarded before the discard time was recorded.
        var doomed = Enumerable.Range(0, 9).Select(_ => Record(SideEffectStatus.Delivered, r => r.DeliveredAt = old))
            .Append(Record(SideEffectStatus.Discarded, r => (r.DeadLetteredAt, r.DiscardedAt) = (old, old)))
            .Append(Record(SideEffectStatus.Discarded, r => r.DeadLetteredAt = old))
            .ToArray();
        var kept = new[]
        {
            Record(SideEffectStatus.Delivered, r => r.DeliveredAt = recent),
            Record(SideEffectStatus.Discarded, r => (r.DeadLetteredAt, r.DiscardedAt) = (old, recent)),
            Record(SideEffectStatus.DeadLettered),
            Record(SideEffectStatus.Waiting),
            Record(SideEffectStatus.Pending),
        };
        await using (var write = Api.Store.LightweightSession())
        {
            write.Store(doomed.Concat(kept).ToArray());
            await write.SaveChangesAsync();
        }

        using var measurements = new Measurements(Api, SideEffectsMetrics.MeterName);
        // A sweep deletes at most its batches' worth; the next one the rest, then nothing.
        var perSweep = SideEffectsRetention.BatchesPerSweep * SideEffectsApiFactory.RetentionBatchSize;
        perSweep.ShouldBeLessThan(doomed.Length);
        (await Sweep.SweepAsync(CancellationToken.None)).ShouldBe(perSweep);
        (await Sweep.SweepAsync(CancellationToken.None)).ShouldBe(doomed.Length - perSweep);
        (await Sweep.SweepAsync(CancellationToken.None)).ShouldBe(0);
        measurements.Sum("eventapi.side_effects.swept").ShouldBe(doomed.Length);

        (await Api.SideEffectsOfAsync(session)).Select(s => s.Id).ShouldBe(kept.Select(k => k.Id), ignoreOrder: true);
        await using var query = Api.Store.QuerySession();
        (await query.LoadAsync<SideEffectsSwept>(SideEffectsSwept.TheId))!.Sequence.ShouldBe(doomed.Max(d => d.Sequence));
    }

    [Fact]
    public async Task two_sweeps_at_once_delete_every_old_side_effect_once_between_them_without_an_error()
    {
        var old = DateTimeOffset.UtcNow - Retention - TimeSpan.FromHours(1);
        var records = Enumerable.Range(1, 40).Select(i => new SideEffect
        {
            Id = SideEffect.IdFor(Guid.NewGuid(), i, SideEffectKind.Achievement), SessionId = Guid.NewGuid(), Version = i, Sequence = i,
            Kind = SideEffectKind.Achievement, EventType = "milestone_reached", Status = SideEffectStatus.Delivered,
            CreatedAt = old, NextAttemptAt = old, DeliveredAt = old,
        }).ToArray();
        await using (var write = Api.Store.LightweightSession())
        {
            write.Store(records);
            await write.SaveChangesAsync();
        }

        var deleted = 0;
        while (true)
        {
            var both = await Task.WhenAll(Sweep.SweepAsync(CancellationToken.None), Sweep.SweepAsync(CancellationToken.None));
            if (both.Sum() == 0) break;
            deleted += both.Sum();
        }

        deleted.ShouldBe(records.Length);
        await using var query = Api.Store.QuerySession();
        (await query.Query<SideEffect>().CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task once_swept_a_side_effect_is_not_written_again_when_the_events_are_processed_again_and_webhooks_still_flow()
    {
        var swept = await Client.SessionThatReached512Async("rita", Receiver.UrlFor("swept"));
        var delivered = await Api.WaitForSideEffectsAsync(swept.Id, 3, SideEffectStatus.Delivered);
        await using (var write = Api.Store.LightweightSession())
        {
            foreach (var record in delivered) record.DeliveredAt = DateTimeOffset.UtcNow - Retention - TimeSpan.FromMinutes(1);
            write.Store(delivered.ToArray());
            await write.SaveChangesAsync();
        }

        var deleted = 0;
        while (await Sweep.SweepAsync(CancellationToken.None) is var count and > 0) deleted += count;
        deleted.ShouldBe(delivered.Count);

        await (await Api.ProjectionDaemonAsync()).RewindSubscriptionAsync(SideEffectsSubscription.Name, CancellationToken.None, sequenceFloor: 0);
        await Api.WaitForProjectionsAsync();
        (await Api.SideEffectsOfAsync(swept.Id)).ShouldBeEmpty();

        var later = await Client.SessionThatReached512Async("rita", Receiver.UrlFor("later"));
        await Api.WaitForSideEffectsAsync(later.Id, 3, SideEffectStatus.Delivered);
        Receiver.Requests("later").Count.ShouldBe(2);
        Receiver.Requests("swept").Count.ShouldBe(2);
        (await Client.AchievementsAsync("rita")).GetArrayLength().ShouldBeGreaterThan(0);
    }
}
