using EventApi.Api.Features.Achievements;
using EventApi.Api.Features.SideEffects;
using EventApi.Integration.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace EventApi.Integration.SideEffects;

public sealed class AchievementTests(SideEffectsApiFactory api) : SideEffectsTest(api)
{
    [Fact]
    public async Task reaching_512_records_the_players_achievement_with_its_session_and_version()
    {
        var started = await Client.SessionThatReached512Async("ivan", callbackUrl: null);
        var milestone = (await Client.WebhookEventsAsync(started.Id))[0];
        var version = milestone.GetProperty("version").GetInt64();

        await Api.WaitForStatusAsync(SideEffect.IdFor(started.Id, version, SideEffectKind.Achievement), SideEffectStatus.Delivered);

        var achievement = (await Client.AchievementsAsync("ivan")).EnumerateArray().Single();
        achievement.GetProperty("id").GetString().ShouldBe("ivan:512");
        achievement.GetProperty("player").GetString().ShouldBe("ivan");
        achievement.GetProperty("tile").GetInt32().ShouldBe(512);
        achievement.GetProperty("sessionId").GetGuid().ShouldBe(started.Id);
        achievement.GetProperty("version").GetInt64().ShouldBe(version);
        achievement.GetProperty("reachedAt").GetDateTimeOffset().ShouldBe(milestone.GetProperty("timestamp").GetDateTimeOffset());
        (await Client.AchievementsAsync("nobody")).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task an_achievement_is_recorded_once_when_its_event_is_delivered_three_times()
    {
        var started = await Client.SessionThatReached512Async("judy", callbackUrl: null);
        var version = (await Client.WebhookEventsAsync(started.Id))[0].GetProperty("version").GetInt64();
        var id = SideEffect.IdFor(started.Id, version, SideEffectKind.Achievement);
        var record = await Api.WaitForStatusAsync(id, SideEffectStatus.Delivered);
        var first = await LoadAchievementAsync("judy:512");

        // Twice more, at the same time: as two nodes would if the record's delivery was repeated.
        await Task.WhenAll(RecordAsync(record), RecordAsync(record));

        await using var query = Api.Store.QuerySession();
        var all = await query.Query<Achievement>().Where(a => a.Player == "judy").ToListAsync();
        all.Count.ShouldBe(1);
        all[0].ShouldBeEquivalentTo(first);
    }

    [Fact]
    public async Task a_side_effect_delivered_again_through_the_dispatcher_does_not_record_a_second_achievement()
    {
        var started = await Client.SessionThatReached512Async("ken", callbackUrl: null);
        var version = (await Client.WebhookEventsAsync(started.Id))[0].GetProperty("version").GetInt64();
        var id = SideEffect.IdFor(started.Id, version, SideEffectKind.Achievement);
        await Api.WaitForStatusAsync(id, SideEffectStatus.Delivered);
        var first = await LoadAchievementAsync("ken:512");

        for (var delivery = 2; delivery <= 3; delivery++)
        {
            await using (var session = Api.Store.LightweightSession())
            {
                var record = (await session.LoadAsync<SideEffect>(id))!;
                record.Status = SideEffectStatus.Pending;
                session.Store(record);
                await session.SaveChangesAsync();
            }

            await Api.Services.GetRequiredService<IMessageBus>().PublishAsync(new DeliverSideEffects(started.Id));
            await Api.WaitForStatusAsync(id, SideEffectStatus.Delivered);
        }

        await using var query = Api.Store.QuerySession();
        (await query.Query<Achievement>().CountAsync(a => a.Player == "ken")).ShouldBe(1);
        (await LoadAchievementAsync("ken:512")).ShouldBeEquivalentTo(first);
    }

    [Fact]
    public async Task the_achievement_belongs_to_the_session_whose_event_came_first_whichever_is_delivered_first()
    {
        var a = await Client.SessionThatReached512Async("lena", callbackUrl: null, abandon: false);
        var b = await Client.SessionThatReached512Async("lena", callbackUrl: null, abandon: false, from: 12);
        await Api.WaitForProjectionsAsync();
        var records = (await Api.SideEffectsOfAsync(a.Id)).Concat(await Api.SideEffectsOfAsync(b.Id)).ToArray();
        records.Length.ShouldBe(2);
        foreach (var record in records) await Api.WaitForStatusAsync(record.Id, SideEffectStatus.Delivered);
        var (earlier, later) = (records.MinBy(r => r.Sequence)!, records.MaxBy(r => r.Sequence)!);
        earlier.SessionId.ShouldBe(a.Id);
        (await LoadAchievementAsync("lena:512")).SessionId.ShouldBe(a.Id);

        // Out of order: the later event recorded first, then the earlier one, then the later one again.
        await using (var session = Api.Store.LightweightSession())
        {
            session.Delete<Achievement>("lena:512");
            await session.SaveChangesAsync();
        }

        await RecordAsync(later);
        (await LoadAchievementAsync("lena:512")).SessionId.ShouldBe(b.Id);
        await RecordAsync(earlier);
        (await LoadAchievementAsync("lena:512")).SessionId.ShouldBe(a.Id);
        await RecordAsync(later);
        var achievement = await LoadAchievementAsync("lena:512");
        (achievement.SessionId, achievement.Version, achievement.Sequence).ShouldBe((a.Id, earlier.Version, earlier.Sequence));
    }

    private async Task RecordAsync(SideEffect record)
    {
        await using var session = Api.Store.LightweightSession();
        await session.BeginTransactionAsync(CancellationToken.None);
        (await AchievementDelivery.RecordAsync(session, record, DateTimeOffset.UtcNow, CancellationToken.None)).ShouldBe(DeliveryResult.Done);
        await session.SaveChangesAsync();
    }

    private async Task<Achievement> LoadAchievementAsync(string id)
    {
        await using var query = Api.Store.QuerySession();
        return (await query.LoadAsync<Achievement>(id)).ShouldNotBeNull();
    }
}
