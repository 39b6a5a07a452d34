using Marten;
using Microsoft.Extensions.Options;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Marten;
using Wolverine.Runtime;
using Wolverine.Runtime.Handlers;

namespace EventApi.Api.Features.SideEffects;

/// <summary>Wakes the dispatcher for one session: its next side effects are due.</summary>
public sealed record DeliverSideEffects(Guid SessionId);

/// <summary>The Wolverine handler, on the durable local queue <c>side-effects</c>.</summary>
public static class DeliverSideEffectsHandler
{
    /// <summary>
    /// A wake-up whose handling throws (PostgreSQL out of reach, say; a failed webhook is an outcome, not an exception)
    /// is retried a few times, then moved to Wolverine's dead letters. Nothing of the session is lost either way: its
    /// side effects are unchanged, and the sweeper wakes it again once it is overdue.
    /// </summary>
    public static void Configure(HandlerChain chain) =>
        chain.OnAnyException()
            .RetryWithCooldown(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5))
            .Then.MoveToErrorQueue();

    public static Task Handle(DeliverSideEffects message, SideEffectDispatcher dispatcher, IMessageContext context, CancellationToken cancellation) =>
        dispatcher.DeliverAsync(message.SessionId, context, cancellation);
}

/// <summary>
/// Delivers one session's side effects in stream order, one transaction per side effect. Each transaction takes the
/// session's advisory lock (so one worker on one node delivers a session at a time), reads the head of the session's
/// queue, performs it and records the outcome, the retry's wake-up included, before it commits and lets go of the lock.
/// A crash anywhere before the commit leaves the side effect as it was: it is delivered again, with the same
/// Idempotency-Key.
/// </summary>
public sealed class SideEffectDispatcher(
    IDocumentStore store,
    IWolverineRuntime runtime,
    IEnumerable<ISideEffectDelivery> deliveries,
    SideEffectsMetrics metrics,
    IOptions<SideEffectsOptions> options,
    TimeProvider clock,
    ILogger<SideEffectDispatcher> logger)
{
    /// <summary>When another worker holds the session, the wake-up comes back after this long, in case that worker
    /// finishes before it sees what this wake-up was for.</summary>
    public static readonly TimeSpan BusyRetry = TimeSpan.FromSeconds(1);

    /// <summary>Side effects one wake-up delivers before it lets other sessions in and queues another.</summary>
    private const int StepsPerWakeUp = 50;

    /// <summary>How much of a session's queue one step reads (a session has a few side effects per milestone).</summary>
    private const int QueueWindow = 200;

    private readonly Dictionary<string, ISideEffectDelivery> _deliveries = ByKind(deliveries);

    public async Task DeliverAsync(Guid sessionId, IMessageBus bus, CancellationToken ct)
    {
        for (var step = 0; step < StepsPerWakeUp; step++)
        {
            if (!await StepAsync(sessionId, ct)) return;
        }

        await bus.PublishAsync(new DeliverSideEffects(sessionId));
    }

    /// <summary>One side effect of the session, in one transaction. True when it was delivered and others of the session
    /// were open behind it: the next may follow.</summary>
    private async Task<bool> StepAsync(Guid sessionId, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var outbox = new MartenOutbox(runtime, session);
        await session.BeginTransactionAsync(ct);
        if (!await SideEffectLocks.TryLockSessionAsync(session, sessionId, ct))
        {
            await outbox.ScheduleAsync(new DeliverSideEffects(sessionId), BusyRetry);
            await session.SaveChangesAsync(ct);
            return false;
        }

        var open = await OpenSideEffectsAsync(session, sessionId, ct);
        if (await DueHeadAsync(session, open, ct) is not var (head, dueAt)) return false;

        var result = _deliveries.TryGetValue(head.Kind, out var delivery) ? await delivery.DeliverAsync(session, head, dueAt, ct) : null;
        var now = clock.GetUtcNow();
        if (result is null)
        {
            BlockOnUnknownKind(session, head, now);
            await session.SaveChangesAsync(ct);
            return false;
        }

        return await RecordOutcomeAsync(session, outbox, open, result, now, ct);
    }

    /// <summary>The session's queue: its open side effects in stream order (version, then kind), the first
    /// <see cref="QueueWindow"/> of them.</summary>
    private static Task<IReadOnlyList<SideEffect>> OpenSideEffectsAsync(IDocumentSession session, Guid sessionId, CancellationToken ct) =>
        session.Query<SideEffect>()
            .Where(s => s.SessionId == sessionId && s.Status.IsOneOf(SideEffectStatus.Open))
            .OrderBy(s => s.Version).ThenBy(s => s.Kind)
            .Take(QueueWindow)
            .ToListAsync(ct);

    /// <summary>
    /// The head of the queue and the time it was found due, or null when there is nothing to deliver now: the queue is
    /// empty, its head is a dead letter (what is behind it is marked waiting), or its head is not due yet. Side effects
    /// that waited behind a head that is no longer a dead letter are released first.
    /// </summary>
    private async Task<(SideEffect Head, DateTimeOffset Now)?> DueHeadAsync(IDocumentSession session, IReadOnlyList<SideEffect> open,
        CancellationToken ct)
    {
        if (open.Count == 0) return null;

        var head = open[0];
        if (head.Status == SideEffectStatus.DeadLettered)
        {
            // Head of line: everything behind a dead letter waits for it, visibly.
            if (Relabel(session, open.Skip(1), SideEffectStatus.Pending, SideEffectStatus.Waiting)) await session.SaveChangesAsync(ct);
            return null;
        }

        var released = Relabel(session, open, SideEffectStatus.Waiting, SideEffectStatus.Pending);
        var now = clock.GetUtcNow();
        if (head.NextAttemptAt > now)
        {
            // Not due: its wake-up is already scheduled (and the sweeper stands behind it).
            if (released) await session.SaveChangesAsync(ct);
            return null;
        }

        return (head, now);
    }

    /// <summary>Records what became of the attempt at the head of the queue, and commits. True when it was delivered and
    /// others of the session were open behind it.</summary>
    private async Task<bool> RecordOutcomeAsync(IDocumentSession session, MartenOutbox outbox, IReadOnlyList<SideEffect> open,
        DeliveryResult result, DateTimeOffset now, CancellationToken ct)
    {
        var head = open[0];
        session.Store(head);
        if (result.Outcome == DeliveryOutcome.Delivered)
        {
            await RecordDeliveredAsync(session, head, now, ct);
            // Nothing else was open, so no transaction is spent finding that out again: a side effect written since comes
            // with its own wake-up, which the transaction that wrote it published.
            return open.Count > 1;
        }

        RecordFailure(head, result, now);
        if (result.Outcome == DeliveryOutcome.Transient && head.Attempts < options.Value.MaxAttempts)
            await ScheduleRetryAsync(session, outbox, head, result, now, ct);
        else
            await DeadLetterAsync(session, open, result, now, ct);
        return false;
    }

    private async Task RecordDeliveredAsync(IDocumentSession session, SideEffect head, DateTimeOffset now, CancellationToken ct)
    {
        head.Status = SideEffectStatus.Delivered;
        head.DeliveredAt = now;
        head.LagSeconds = Math.Max(0, (now - head.EventTimestamp).TotalSeconds);
        head.NextAttemptAt = now;
        await session.SaveChangesAsync(ct);
        metrics.Delivered(head.Kind, head.LagSeconds.Value);
    }

    /// <summary>A transient failure with attempts left: the next attempt's time, and its wake-up in the same transaction.</summary>
    private async Task ScheduleRetryAsync(IDocumentSession session, MartenOutbox outbox, SideEffect head, DeliveryResult result,
        DateTimeOffset now, CancellationToken ct)
    {
        var settings = options.Value;
        head.NextAttemptAt = now + DeliveryPolicy.NextDelay(head.Attempts, result.RetryAfter, settings, Random.Shared.NextDouble());
        await outbox.ScheduleAsync(new DeliverSideEffects(head.SessionId), head.NextAttemptAt);
        await session.SaveChangesAsync(ct);
        metrics.Retried(head.Kind);
        logger.LogInformation("Side effect {Id} failed (attempt {Attempts} of {Max}), next attempt at {NextAttemptAt}: {Error}",
            head.Id, head.Attempts, settings.MaxAttempts, head.NextAttemptAt, result.Detail ?? result.Error);
    }

    /// <summary>A permanent failure, or the last attempt: the head becomes a dead letter and the session's later side effects
    /// wait behind it.</summary>
    private async Task DeadLetterAsync(IDocumentSession session, IReadOnlyList<SideEffect> open, DeliveryResult result, DateTimeOffset now,
        CancellationToken ct)
    {
        var head = open[0];
        // The dead letter and the session's waiting side effects commit together: if it cannot be stored, nothing moves.
        head.Status = SideEffectStatus.DeadLettered;
        head.DeadLetteredAt = now;
        Relabel(session, open.Skip(1), SideEffectStatus.Pending, SideEffectStatus.Waiting);
        await session.SaveChangesAsync(ct);
        metrics.DeadLettered(head.Kind);
        logger.LogWarning("Side effect {Id} moved to the dead letters after {Attempts} attempts: {Error}", head.Id, head.Attempts,
            result.Detail ?? result.Error);
    }

    /// <summary>
    /// A kind this version does not know was written by a newer one (a rolling deploy). It is neither skipped nor
    /// dead-lettered: the session's queue stops at it with the error, and a node that knows the kind delivers it when the
    /// sweeper next wakes the session.
    /// </summary>
    private void BlockOnUnknownKind(IDocumentSession session, SideEffect head, DateTimeOffset now)
    {
        head.LastError = $"The kind '{head.Kind}' is unknown to this version of EventApi (a newer version wrote it); " +
                         "the session's side effects wait until a node that knows it delivers it.";
        head.ExceptionType = typeof(NotSupportedException).FullName;
        head.LastFailureAt = now;
        head.NextAttemptAt = now + options.Value.RetryMaxDelay;
        session.Store(head);
        logger.LogError("Side effect {Id} has the kind {Kind}, which this version does not know; session {SessionId} waits for a newer node",
            head.Id, head.Kind, head.SessionId);
    }

    private static void RecordFailure(SideEffect head, DeliveryResult result, DateTimeOffset now)
    {
        head.Attempts++;
        head.FirstFailureAt ??= now;
        head.LastFailureAt = now;
        head.LastError = result.Error;
        head.ExceptionType = result.ExceptionType;
    }

    /// <summary>The deliveries by kind: one for each kind this version writes (<see cref="SideEffectKind.All"/>).</summary>
    private static Dictionary<string, ISideEffectDelivery> ByKind(IEnumerable<ISideEffectDelivery> deliveries)
    {
        var byKind = deliveries.ToDictionary(d => d.Kind, StringComparer.Ordinal);
        var missing = SideEffectKind.All.Where(kind => !byKind.ContainsKey(kind)).ToArray();
        return missing.Length == 0
            ? byKind
            : throw new InvalidOperationException($"No side-effect delivery is registered for {string.Join(", ", missing)}.");
    }

    /// <summary>Moves the given side effects from one status to another; true when any changed.</summary>
    private static bool Relabel(IDocumentSession session, IEnumerable<SideEffect> records, string from, string to)
    {
        var changed = false;
        foreach (var record in records.Where(r => r.Status == from))
        {
            record.Status = to;
            session.Store(record);
            changed = true;
        }

        return changed;
    }
}
