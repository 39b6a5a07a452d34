using EventApi.Domain.Sessions;
using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;

namespace EventApi.Projections.Sessions;

/// <summary>Folds a session stream through the decider's own <see cref="SessionDecider.Evolve"/>: the view can never
/// disagree with what the decider would rebuild from the events. On its way it keeps a <see cref="SessionCheckpoint"/>
/// of every version that is a multiple of <see cref="SessionCheckpoint.Every"/>, in the same transaction.</summary>
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
        var view = new SessionView { Id = id, Version = snapshot?.Version ?? 0, State = state, Passed = snapshot?.Passed };
        if (e.Version > 0 && e.Version % SessionCheckpoint.Every == 0)
        {
            view.Passed = [.. view.Passed ?? [], new SessionCheckpoint
            {
                Id = SessionCheckpoint.IdOf(id, e.Version), SessionId = id, Version = e.Version, At = e.Timestamp, State = state,
            }];
        }

        return view;
    }

    /// <summary>Stores the checkpoints the slice's fold passed, beside the view (inline, this needs Marten's
    /// <c>EnableSideEffectsOnInlineProjections</c>).</summary>
    public override ValueTask RaiseSideEffects(IDocumentOperations operations, IEventSlice<SessionView> slice)
    {
        if (slice.Snapshot is { Passed: { } passed } view)
        {
            foreach (var checkpoint in passed) operations.Store(checkpoint);
            view.Passed = null;
        }

        return ValueTask.CompletedTask;
    }
}
