using System.Linq.Expressions;
using EventApi.Domain.Sessions;
using EventApi.Projections.Sessions;
using JasperFx.Events;
using Marten;
using Marten.Events.Archiving;
using Marten.Services.BatchQuerying;

namespace EventApi.Api.Features.Sessions;

/// <summary>
/// Every read of a session's events: a range of its versions (versions have no gaps), archived or not
/// (<see cref="Archiving.SessionArchiver"/>). Marten's own stream reads (<c>FetchStream</c>) leave archived events out, so
/// with archiving on the reads ask with LINQ and <c>MaybeArchived()</c>; with it off (the default) no event is archived,
/// and they are Marten's <c>FetchStream</c>, whose SQL is built without translating an expression each time.
/// </summary>
public static class SessionStreams
{
    /// <summary>The events of session <paramref name="id"/> after version <paramref name="after"/>, up to version
    /// <paramref name="upTo"/> (null: to the end) and stamped at or before <paramref name="until"/> (null: any time), in
    /// order, in <paramref name="batch"/>.</summary>
    public static Task<IReadOnlyList<IEvent>> Events(this IBatchedQuery batch, Guid id, long after, long? upTo = null,
        DateTimeOffset? until = null)
    {
        if (upTo <= after) return Task.FromResult<IReadOnlyList<IEvent>>([]);
        return MayHoldArchived(batch.Parent)
            ? batch.Query<IEvent>().Where(Range(id, after, upTo, until)).OrderBy(e => e.Version).ToList()
            : batch.Events.FetchStream(id, upTo ?? 0, until, fromVersion: after + 1);
    }

    /// <summary><see cref="Events"/> in a round trip of its own.</summary>
    public static Task<IReadOnlyList<IEvent>> EventsAsync(this IQuerySession session, Guid id, long after, long? upTo,
        DateTimeOffset? until, CancellationToken ct)
    {
        if (upTo <= after) return Task.FromResult<IReadOnlyList<IEvent>>([]);
        return MayHoldArchived(session)
            ? session.Events.QueryAllRawEvents().Where(Range(id, after, upTo, until)).OrderBy(e => e.Version).ToListAsync(ct)
            : session.Events.FetchStreamAsync(id, upTo ?? 0, until, fromVersion: after + 1, token: ct);
    }

    /// <summary>
    /// The session's state at version <paramref name="from"/> (a multiple of <see cref="SessionCheckpoint.Every"/>) and its
    /// events after it up to <paramref name="upTo"/>: the checkpoint and the events in one round trip, so that a read
    /// starting anywhere in a stream folds fewer than <see cref="SessionCheckpoint.Every"/> events to get there. When that
    /// checkpoint was not kept (a stream written before checkpoints were), a second read folds the events before it. The
    /// state is null when the stream does not reach <paramref name="from"/> (or does not exist).
    /// </summary>
    public static async Task<(SessionState? State, IReadOnlyList<IEvent> Events)> FromCheckpointAsync(
        this IQuerySession session, Guid id, long from, long upTo, CancellationToken ct)
    {
        var batch = session.CreateBatchQuery();
        var checkpointing = from > 0 ? batch.Load<SessionCheckpoint>(SessionCheckpoint.IdOf(id, from)) : null;
        var reading = batch.Events(id, from, upTo);
        await batch.Execute(ct);

        var events = await reading;
        if (checkpointing is null) return (SessionState.Initial, events);
        if (await checkpointing is { } checkpoint) return (checkpoint.State, events);
        var before = await session.EventsAsync(id, 0, from, null, ct);
        return (before.Count == from ? SessionDecider.Fold(before.Select(e => e.Data)) : null, events);
    }

    /// <summary>With archiving on (<c>UseArchivedStreamPartitioning</c>, which <see cref="Archiving.ArchivingOptions"/>
    /// sets), a session's events may be archived.</summary>
    private static bool MayHoldArchived(IQuerySession session) => session.DocumentStore.Options.Events.UseArchivedStreamPartitioning;

    private static Expression<Func<IEvent, bool>> Range(Guid id, long after, long? upTo, DateTimeOffset? until)
    {
        var last = upTo ?? long.MaxValue;
        if (until is not { } moment) return e => e.MaybeArchived() && e.StreamId == id && e.Version > after && e.Version <= last;
        var utc = moment.ToUniversalTime();
        return e => e.MaybeArchived() && e.StreamId == id && e.Version > after && e.Version <= last && e.Timestamp <= utc;
    }
}
