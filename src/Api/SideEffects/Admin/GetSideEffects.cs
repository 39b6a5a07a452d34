namespace EventApi.Api.Features.SideEffects;

/// <summary>Side effects by status, across every node (from the outbox table).</summary>
public sealed record SideEffectCounts
{
    /// <summary>To deliver, retries included.</summary>
    /// <example>3</example>
    public required long Pending { get; init; }

    /// <summary>Of the pending ones, those that have failed at least once and wait for their next attempt.</summary>
    /// <example>1</example>
    public required long Retrying { get; init; }

    /// <summary>Of the pending ones, those of a kind this version does not know (a newer version wrote them): each stops
    /// its session's side effects until a node that knows the kind delivers it.</summary>
    /// <example>0</example>
    public required long UnknownKind { get; init; }

    /// <summary>Behind a dead letter of their session.</summary>
    /// <example>1</example>
    public required long Waiting { get; init; }

    /// <example>1204</example>
    public required long Delivered { get; init; }

    /// <example>1</example>
    public required long DeadLettered { get; init; }

    /// <example>0</example>
    public required long Discarded { get; init; }
}

/// <summary>The side effects at a glance.</summary>
public sealed record SideEffectsSummary
{
    public required SideEffectCounts Counts { get; init; }

    /// <summary>From the event's timestamp to the delivery, over the latest deliveries.</summary>
    public required LagSummary Lag { get; init; }

    /// <summary>How long the event of the oldest pending side effect has waited; null when none is pending.</summary>
    /// <example>2.4</example>
    public double? OldestPendingSeconds { get; init; }
}

public static class GetSideEffectsEndpoint
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/side-effects", Handle)
            .WithName("getSideEffects")
            .WithSummary("Summarise the side effects")
            .WithDescription("How many side effects (webhooks and achievements) are pending, retrying, of a kind this version does not know, waiting behind a dead letter, delivered, dead-lettered and discarded, across every node; the lag from event to delivery (p50, p95, p99 and max over the latest 1000 deliveries); and the age of the oldest pending one. The same figures are the meter EventApi.SideEffects.")
            .Produces<SideEffectsSummary>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <param name="outbox">The side-effects outbox.</param>
    /// <param name="ct">The request's cancellation.</param>
    public static async Task<IResult> Handle(SideEffectsOutbox outbox, CancellationToken ct)
    {
        var counts = await outbox.CountByStatusAsync(null, ct);
        var (retrying, unknownKind, oldest) = await outbox.PendingAsync(ct);
        var lag = await outbox.LagAsync(ct);
        return TypedResults.Ok(new SideEffectsSummary
        {
            Counts = new SideEffectCounts
            {
                Pending = counts[SideEffectStatus.Pending],
                Retrying = retrying,
                UnknownKind = unknownKind,
                Waiting = counts[SideEffectStatus.Waiting],
                Delivered = counts[SideEffectStatus.Delivered],
                DeadLettered = counts[SideEffectStatus.DeadLettered],
                Discarded = counts[SideEffectStatus.Discarded],
            },
            Lag = lag,
            OldestPendingSeconds = oldest,
        });
    }
}
