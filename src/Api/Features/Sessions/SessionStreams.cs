using System.Linq.Expressions;
using JasperFx.Events;
using Marten;
using Marten.Events.Archiving;

namespace EventApi.Api.Features.Sessions;

/// <summary>
/// Every read of a session's events: archived or not (<see cref="Archiving.SessionArchiver"/>). Marten's own stream reads
/// (<c>FetchStream</c>, <c>AggregateStream</c>) and its event queries leave archived events out unless the query asks
/// for them with <c>MaybeArchived()</c>, and a finished session's events are archived after a while; so a read that went
/// through them would find an archived session empty.
/// </summary>
public static class SessionStreams
{
    /// <summary>The events of session <paramref name="id"/> after version <paramref name="afterVersion"/>, archived or not.</summary>
    public static Expression<Func<IEvent, bool>> EventsAfter(Guid id, long afterVersion) =>
        e => e.MaybeArchived() && e.StreamId == id && e.Version > afterVersion;

    /// <summary>The events of session <paramref name="id"/> after version <paramref name="afterVersion"/> stamped at or
    /// before <paramref name="until"/> (UTC), archived or not.</summary>
    public static Expression<Func<IEvent, bool>> EventsAfter(Guid id, long afterVersion, DateTimeOffset until) =>
        e => e.MaybeArchived() && e.StreamId == id && e.Version > afterVersion && e.Timestamp <= until;

    /// <summary>The events of session <paramref name="id"/> up to version <paramref name="version"/>, in order.</summary>
    public static Task<IReadOnlyList<IEvent>> ReadUpToAsync(this IQuerySession session, Guid id, long version, CancellationToken ct) =>
        session.Events.QueryAllRawEvents()
            .Where(EventsAfter(id, 0))
            .Where(e => e.Version <= version)
            .OrderBy(e => e.Version)
            .ToListAsync(ct);
}
