using EventApi.Projections.Sessions;
using Marten;

namespace EventApi.Api.Live;

/// <summary>
/// Every save that appends to a session stream also sends <c>NOTIFY</c> with the session's id, in the same batch and
/// transaction as the events: PostgreSQL delivers it to every node's <see cref="SessionChangeListener"/> when the
/// transaction commits, and never when it rolls back (a lost race, a rejected batch). A Marten session listener, so no
/// command can forget it: whatever appends to a <see cref="SessionView"/> stream through a document session notifies.
/// </summary>
/// <remarks>
/// Marten calls <see cref="BeforeSaveChangesAsync"/> after it has turned the pending events into operations and before
/// it builds the batch from them, so the queued statement goes out with the batch (no round trip of its own).
/// </remarks>
public sealed class SessionChangeNotifier : DocumentSessionListenerBase
{
    /// <summary>The notification channel; the payload is the session id in the "N" format (32 hex digits).</summary>
    public const string Channel = "eventapi_session_changed";

    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        foreach (var stream in session.PendingChanges.Streams())
        {
            if (stream.AggregateType == typeof(SessionView) && stream.Events.Count > 0)
                session.QueueSqlCommand("select pg_notify(?, ?)", Channel, stream.Id.ToString("N"));
        }

        return Task.CompletedTask;
    }
}
