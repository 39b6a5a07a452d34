using EventApi.Api.Features.Sessions;
using EventApi.Api.Operations;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events;
using UnknownEventTypeException = Marten.Exceptions.UnknownEventTypeException;

namespace EventApi.Api.Features.SideEffects;

/// <summary>
/// What a type-filtered subscription would otherwise lose: the daemon loads only the event types it includes, so an
/// event of a type this version does not know (a newer version wrote it) would be passed over without a sign. The guard
/// asks, once a batch, whether the batch's range holds an event whose type name this version cannot read, reading only
/// the names; if it does, it throws the <see cref="UnknownEventTypeException"/> Marten throws for such an event, with
/// its sequence, and the shard stops there, its error in <c>GET /admin/projections</c>, as an unfiltered one would.
/// </summary>
/// <remarks>
/// The names this version reads: every registered event type's (<see cref="IReadOnlyEventStoreOptions.AllKnownEventTypes"/>),
/// the first-version names it upcasts (<see cref="SessionsFeature.FirstVersionNames"/>), and the two Marten writes of its
/// own (a stream's archiving and a failed append's tombstone).
/// </remarks>
public sealed class UnreadableEventGuard
{
    private string[]? _readable;

    public async Task ThrowIfAnyAsync(IDocumentOperations operations, EventRange range, CancellationToken cancellationToken)
    {
        _readable ??= ReadableNames(operations.DocumentStore.Options.Events);
        var unreadable = await EventStoreTables.FirstEventOfOtherTypeAsync(operations, range.SequenceFloor, range.SequenceCeiling,
            _readable, cancellationToken).ConfigureAwait(false);
        if (unreadable is { } e) throw new UnknownEventTypeException(e.Type, e.Sequence);
    }

    private static string[] ReadableNames(IReadOnlyEventStoreOptions events) => events.AllKnownEventTypes()
        .Select(t => t.EventTypeName)
        .Concat(SessionsFeature.FirstVersionNames.Values)
        .Append(typeof(Archived).GetEventTypeName())
        .Append(typeof(Tombstone).GetEventTypeName())
        .Distinct(StringComparer.Ordinal)
        .ToArray();
}
