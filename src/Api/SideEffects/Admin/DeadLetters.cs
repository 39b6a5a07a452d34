using Marten;
using Wolverine.Marten;
using Wolverine.Runtime;

namespace EventApi.Api.Features.SideEffects;

/// <summary>Replaying and discarding dead letters, in transactions that hold the sessions' locks (so no dispatcher
/// works on them meanwhile) and publish the sessions' wake-ups through Wolverine's outbox.</summary>
public static class DeadLetters
{
    /// <summary>Dead letters handled per transaction by a replay by filters.</summary>
    public const int ReplayPage = 500;

    /// <summary>
    /// Puts the given dead letters (those that still are, once their sessions are locked) back to pending with their
    /// attempts reset, releases the side effects that waited behind them, and wakes their sessions, all in one
    /// transaction. Returns how many were replayed and of how many sessions.
    /// </summary>
    public static async Task<(int Replayed, int Sessions)> ReplayAsync(IDocumentStore store, IWolverineRuntime runtime,
        IReadOnlyCollection<string> ids, DateTimeOffset now, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var outbox = new MartenOutbox(runtime, session);
        var deadLetters = await LockedDeadLettersAsync(session, ids, ct);
        if (deadLetters.Count == 0) return (0, 0);
        foreach (var deadLetter in deadLetters)
        {
            deadLetter.Status = SideEffectStatus.Pending;
            deadLetter.Attempts = 0;
            deadLetter.FirstFailureAt = null;
            deadLetter.LastFailureAt = null;
            deadLetter.DeadLetteredAt = null;
            deadLetter.NextAttemptAt = now;
            deadLetter.Replays++;
            session.Store(deadLetter);
        }

        var sessions = deadLetters.Select(d => d.SessionId).Distinct().ToArray();
        await ReleaseAsync(session, outbox, sessions, ct);
        await session.SaveChangesAsync(ct);
        return (deadLetters.Count, sessions.Length);
    }

    /// <summary>Marks the dead letter discarded, releases the session's waiting side effects and wakes the session, in one
    /// transaction. Null when it is not (or no longer) a dead letter; otherwise how many side effects it released.</summary>
    public static async Task<(SideEffect Discarded, int Released)?> DiscardAsync(IDocumentStore store, IWolverineRuntime runtime,
        string id, DateTimeOffset now, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var outbox = new MartenOutbox(runtime, session);
        var deadLetter = (await LockedDeadLettersAsync(session, [id], ct)).SingleOrDefault();
        if (deadLetter is null) return null;

        deadLetter.Status = SideEffectStatus.Discarded;
        deadLetter.DiscardedAt = now;
        session.Store(deadLetter);
        var released = await ReleaseAsync(session, outbox, [deadLetter.SessionId], ct);
        await session.SaveChangesAsync(ct);
        return (deadLetter, released);
    }

    /// <summary>Reads the dead letters, locks their sessions, and reads them again: those still dead-lettered.</summary>
    private static async Task<IReadOnlyList<SideEffect>> LockedDeadLettersAsync(IDocumentSession session, IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        await session.BeginTransactionAsync(ct);
        var seen = await session.LoadManyAsync<SideEffect>(ct, ids);
        await SideEffectLocks.LockSessionsAsync(session, seen.Select(s => s.SessionId), ct);
        return (await session.LoadManyAsync<SideEffect>(ct, ids)).Where(s => s.Status == SideEffectStatus.DeadLettered).ToArray();
    }

    /// <summary>Waiting side effects of these sessions back to pending, and a wake-up for each session.</summary>
    private static async Task<int> ReleaseAsync(IDocumentSession session, MartenOutbox outbox, Guid[] sessions, CancellationToken ct)
    {
        var waiting = await session.Query<SideEffect>()
            .Where(s => s.SessionId.IsOneOf(sessions) && s.Status == SideEffectStatus.Waiting)
            .ToListAsync(ct);
        foreach (var record in waiting)
        {
            record.Status = SideEffectStatus.Pending;
            session.Store(record);
        }

        foreach (var id in sessions) await outbox.PublishAsync(new DeliverSideEffects(id));
        return waiting.Count;
    }
}
