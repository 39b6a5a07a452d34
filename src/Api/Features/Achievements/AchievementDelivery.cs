using EventApi.Api.Features.SideEffects;
using Marten;

namespace EventApi.Api.Features.Achievements;

/// <summary>Delivers the <c>achievement</c> side effects: records the player's achievement in the dispatcher's
/// transaction.</summary>
public sealed class AchievementDelivery : ISideEffectDelivery
{
    /// <summary>The advisory-lock key space of a player's milestone tiles ("ACHV").</summary>
    private const int LockSpace = 0x4143_4856;

    public string Kind => SideEffectKind.Achievement;

    public Task<DeliveryResult> DeliverAsync(IDocumentSession session, SideEffect sideEffect, DateTimeOffset now, CancellationToken ct) =>
        RecordAsync(session, sideEffect, now, ct);

    /// <summary>
    /// Records the achievement of a milestone, in the caller's transaction: one per player and tile, held by the earliest
    /// event (by sequence) that reached it, however often and in whatever order the events are delivered. The tile's
    /// lock keeps sessions that reach it at once from both recording it.
    /// </summary>
    internal static async Task<DeliveryResult> RecordAsync(IDocumentSession session, SideEffect record, DateTimeOffset now, CancellationToken ct)
    {
        if (record.Player is not { } player || record.Tile is not { } tile)
            return new DeliveryResult(DeliveryOutcome.Permanent, "The achievement names no player or tile.", typeof(InvalidDataException).FullName);

        var id = Achievement.IdFor(player, tile);
        await SideEffectLocks.LockAsync(session, LockSpace, id, ct);
        var recorded = await session.LoadAsync<Achievement>(id, ct);
        if (recorded is null || recorded.Sequence > record.Sequence)
        {
            session.Store(new Achievement
            {
                Id = id,
                Player = player,
                Tile = tile,
                SessionId = record.SessionId,
                Version = record.Version,
                Sequence = record.Sequence,
                ReachedAt = record.EventTimestamp,
                RecordedAt = now,
            });
        }

        return DeliveryResult.Done;
    }
}
