using JasperFx.Events.Projections;
using Marten;

namespace EventApi.Projections.Sessions;

public static class SessionViewSetup
{
    /// <summary>The inline session view and its checkpoints: every store that appends to session streams (the API's, the
    /// bench's) registers them here, so that its appends keep both.</summary>
    public static StoreOptions AddSessionView(this StoreOptions options)
    {
        options.Projections.Add<SessionViewProjection>(ProjectionLifecycle.Inline);
        // The projection stores the checkpoints in its side effects, which Marten raises for an inline projection only
        // when asked to.
        options.Events.EnableSideEffectsOnInlineProjections = true;
        // A replay by moment looks for a session's last checkpoint before it (a replay by version loads one by id).
        options.Schema.For<SessionCheckpoint>().Index(c => new { c.SessionId, c.Version });
        return options;
    }
}
