using System.Text.Json.Serialization;

namespace EventApi.Api.Features.SideEffects;

/// <summary>Where a side effect stands.</summary>
public static class SideEffectStatus
{
    /// <summary>To do: the session's next one is tried as soon as it is due.</summary>
    public const string Pending = "pending";

    /// <summary>Behind a dead letter of the same session: it waits until that one is replayed or discarded.</summary>
    public const string Waiting = "waiting";

    public const string Delivered = "delivered";

    /// <summary>Failed for good (a permanent failure, or the maximum attempts): it blocks the session's later ones.</summary>
    public const string DeadLettered = "dead-lettered";

    /// <summary>A dead letter an operator gave up on; the session's later side effects went on.</summary>
    public const string Discarded = "discarded";

    /// <summary>Not finished: the session's queue still holds it.</summary>
    public static readonly string[] Open = [Pending, Waiting, DeadLettered];

    public static readonly string[] All = [Pending, Waiting, Delivered, DeadLettered, Discarded];
}

/// <summary>What a side effect does.</summary>
public static class SideEffectKind
{
    /// <summary>POST the event to the session's callback URL.</summary>
    public const string Webhook = "webhook";

    /// <summary>Record the player's achievement for a milestone tile.</summary>
    public const string Achievement = "achievement";

    public static readonly string[] All = [Achievement, Webhook];
}

/// <summary>
/// One side effect of one event: a row of the side-effects outbox. The <c>side-effects</c> subscription writes it in
/// the same transaction as its own progress; the dispatcher delivers a session's side effects one at a time, in stream
/// order (version, then kind), and records each outcome in the same transaction as the effect's own writes.
/// </summary>
public sealed class SideEffect
{
    /// <summary><c>{sessionId}:{version}:{kind}</c>: one per event and kind, whatever the number of deliveries.</summary>
    public string Id { get; set; } = "";

    public Guid SessionId { get; set; }

    /// <summary>The stream version of the event.</summary>
    public long Version { get; set; }

    /// <summary>The event's global sequence.</summary>
    public long Sequence { get; set; }

    /// <summary>One of <see cref="SideEffectKind"/>; a kind this version does not know blocks the session's queue.</summary>
    public string Kind { get; set; } = "";

    /// <summary>The event's type name, as in the stream (<c>milestone_reached</c>, <c>game_over</c>, <c>session_abandoned</c>).</summary>
    public string EventType { get; set; } = "";

    /// <summary>When the event was appended (the store's timestamp).</summary>
    public DateTimeOffset EventTimestamp { get; set; }

    /// <summary>Webhook: the callback URL.</summary>
    public string? Url { get; set; }

    /// <summary>Webhook: the JSON body, exactly as it is signed and sent on every attempt.</summary>
    public string? Body { get; set; }

    /// <summary>Achievement: the player.</summary>
    public string? Player { get; set; }

    /// <summary>Achievement: the milestone tile.</summary>
    public int? Tile { get; set; }

    /// <summary>One of <see cref="SideEffectStatus"/>.</summary>
    public string Status { get; set; } = SideEffectStatus.Pending;

    /// <summary>Failed attempts since it was written or last replayed.</summary>
    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it may be tried (again); its creation time until it first fails.</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? FirstFailureAt { get; set; }
    public DateTimeOffset? LastFailureAt { get; set; }
    public string? LastError { get; set; }
    public string? ExceptionType { get; set; }
    public DateTimeOffset? DeadLetteredAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>When an operator discarded it (null for those discarded before this field existed: their
    /// <see cref="DeadLetteredAt"/> stands in for it).</summary>
    public DateTimeOffset? DiscardedAt { get; set; }

    /// <summary>From the event's timestamp to the delivery, in seconds.</summary>
    public double? LagSeconds { get; set; }

    /// <summary>How often an operator replayed it.</summary>
    public int Replays { get; set; }

    public static string IdFor(Guid sessionId, long version, string kind) => $"{sessionId:D}:{version}:{kind}";

    /// <summary>The <c>Idempotency-Key</c> of a webhook: the same for every attempt of one delivery.</summary>
    [JsonIgnore]
    public string IdempotencyKey => $"{SessionId:D}:{Version}";
}
