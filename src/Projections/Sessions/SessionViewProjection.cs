using EventApi.Domain.Sessions;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace EventApi.Projections.Sessions;

/// <summary>Folds a session stream through the decider's own <see cref="SessionDecider.Evolve"/>: the view can never
/// disagree with what the decider would rebuild from the events.</summary>
public sealed class SessionViewProjection : SingleStreamProjection<SessionView, Guid>
{
    public SessionViewProjection()
    {
        IncludeType<SessionStarted>();
        IncludeType<TilesMoved>();
        IncludeType<MilestoneReached>();
        IncludeType<GameOver>();
        IncludeType<SessionAbandoned>();
    }

    public override SessionView? Evolve(SessionView? snapshot, Guid id, IEvent e)
    {
        // A new document each time: the snapshot may be the instance a command fetched for writing.
        var state = SessionDecider.Evolve(snapshot?.State ?? SessionState.Initial, e.Data);
        return new SessionView { Id = id, Version = snapshot?.Version ?? 0, State = state };
    }
}
