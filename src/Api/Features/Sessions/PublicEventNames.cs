using System.Collections.Frozen;
using EventApi.Domain.Sessions;
using JasperFx.Events;

namespace EventApi.Api.Features.Sessions;

/// <summary>
/// The name a session event has in public (the <c>type</c> of <c>/events</c> and of webhooks, and the side effects'
/// <c>eventType</c>): the event type's conventional name without its schema version, so that it stays the same when the
/// stored shape gets a new version (<c>session_started_v2</c> is <c>session_started</c>).
/// </summary>
public static class PublicEventNames
{
    private static readonly FrozenDictionary<Type, string> Names = new[]
    {
        typeof(SessionStarted), typeof(TilesMoved), typeof(MilestoneReached), typeof(GameOver), typeof(SessionAbandoned),
    }.ToFrozenDictionary(type => type, type => type.GetEventTypeName());

    /// <summary>The public name of a stored event; an event of another kind keeps the store's name.</summary>
    public static string Of(IEvent e) => Names.GetValueOrDefault(e.EventType) ?? e.EventTypeName;
}
