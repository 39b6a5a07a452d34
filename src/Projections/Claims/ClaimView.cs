using EventApi.Domain.Claims;

namespace EventApi.Projections.Claims;

/// <summary>
/// One recorded claim, kept inline: written in the same transaction as the claim's one event, so a reader loads it by
/// id as soon as the claim is answered.
/// </summary>
public sealed class ClaimView
{
    /// <summary>The stream id, which is the claim id.</summary>
    public Guid Id { get; set; }

    /// <summary>The decider's state: the claim, its verdict and the replayed game.</summary>
    public ClaimState State { get; set; } = new();
}
