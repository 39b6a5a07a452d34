using EventApi.Domain.Claims;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace EventApi.Projections.Claims;

/// <summary>Folds a claim stream through the decider's own <see cref="ClaimDecider.Evolve"/>, which replays the
/// recorded moves: the view shows the game the engine plays from them, board included.</summary>
public sealed class ClaimViewProjection : SingleStreamProjection<ClaimView, Guid>
{
    public ClaimViewProjection()
    {
        IncludeType<ClaimVerified>();
        IncludeType<ClaimRejected>();
    }

    public override ClaimView? Evolve(ClaimView? snapshot, Guid id, IEvent e) =>
        ClaimDecider.Evolve(snapshot?.State, e.Data) is { } state ? new ClaimView { Id = id, State = state } : snapshot;
}
