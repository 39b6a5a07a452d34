using Marten;

namespace EventApi.Api.Features.SideEffects;

/// <summary>
/// Performs the side effects of one <see cref="SideEffectKind"/> for the <see cref="SideEffectDispatcher"/>, which holds
/// one registered delivery per kind. It is called inside the transaction that records the outcome, with the session's
/// advisory lock held: what it writes through the session commits with the outcome, or not at all. A failure it can
/// name is a <see cref="DeliveryResult"/>; an exception rolls the transaction back and fails the wake-up, which
/// Wolverine retries.
/// </summary>
public interface ISideEffectDelivery
{
    /// <summary>The <see cref="SideEffect.Kind"/> it delivers.</summary>
    string Kind { get; }

    /// <summary>One attempt at <paramref name="sideEffect"/>. <paramref name="now"/>: when the dispatcher found it due.
    /// Cancellation by <paramref name="ct"/> (the host stopping) is no attempt: it is thrown, not reported.</summary>
    Task<DeliveryResult> DeliverAsync(IDocumentSession session, SideEffect sideEffect, DateTimeOffset now, CancellationToken ct);
}
