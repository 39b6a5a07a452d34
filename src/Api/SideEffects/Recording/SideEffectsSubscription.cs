using System.Text.Json;
using EventApi.Api.Features.Sessions;
using EventApi.Api.Infrastructure.Daemon;
using EventApi.Domain.Sessions;
using EventApi.Projections.Sessions;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Wolverine;
using Wolverine.Marten.Subscriptions;

namespace EventApi.Api.Features.SideEffects;

/// <summary>
/// The <c>side-effects</c> subscription on the async daemon: turns session events into side-effect records. One webhook
/// per MilestoneReached, GameOver and SessionAbandoned of a session started with a callback URL, and one achievement per
/// MilestoneReached. The records, the <see cref="DeliverSideEffects"/> wake-up of each session concerned (through
/// Wolverine's Marten outbox) and the subscription's progress commit in one transaction, so an event is either fully
/// turned into side effects or processed again.
/// </summary>
/// <remarks>
/// The daemon loads only the events with side effects (and their first-version names), not the moves that are nearly
/// all of a store. A type filter alone would pass over an event of a type this version does not know without a sign, so
/// each batch first asks its range for one (<see cref="UnreadableEventGuard"/>, reading type names only): such an event,
/// or one of the loaded ones that it cannot decode, stops the subscription with a visible error (see
/// <see cref="SideEffectsModule.ConfigureSideEffects(Marten.StoreOptions)"/>) instead of skipping side effects.
/// </remarks>
public sealed class SideEffectsSubscription : BatchSubscription
{
    public const string Name = "side-effects";

    private static readonly JsonSerializerOptions BodyJson = JsonSerializerOptions.Web;
    private readonly TimeProvider _clock;
    private readonly UnreadableEventGuard _guard = new();

    public SideEffectsSubscription(TimeProvider clock) : base(Name)
    {
        _clock = clock;
        // As the async projections: a subscription that is behind reads and commits once per 5000 events, not per 500.
        ProjectionsSetup.LargeBatches(Options);
        IncludeType<MilestoneReached>();
        IncludeType<GameOver>();
        IncludeType<SessionAbandoned>();
    }

    public override async Task ProcessEventsAsync(EventRange page, ISubscriptionController controller,
        IDocumentOperations operations, IMessageBus bus, CancellationToken cancellationToken)
    {
        await _guard.ThrowIfAnyAsync(operations, page, cancellationToken);
        // The filter also lets through Marten's own marker of an archived stream.
        var events = page.Events.Where(e => e.Data is MilestoneReached or GameOver or SessionAbandoned).ToArray();
        if (events.Length == 0) return;

        var streams = events.Select(e => e.StreamId).Distinct().ToArray();
        var views = (await operations.LoadManyAsync<SessionView>(cancellationToken, streams)).ToDictionary(v => v.Id);
        var now = _clock.GetUtcNow();
        var records = events.SelectMany(e => RecordsFor(e, views.GetValueOrDefault(e.StreamId), now)).ToArray();
        if (records.Length == 0) return;

        // Written once: processing the same events again (a rewind) leaves records that exist, and their outcome, alone.
        var existing = (await operations.LoadManyAsync<SideEffect>(cancellationToken, records.Select(r => r.Id).ToArray()))
            .Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        // Nor those the retention sweep deleted: read after the records, as the sweep deletes them and raises the mark
        // in one statement, so a record missing above was either never written or is below the mark read here.
        var swept = (await operations.LoadAsync<SideEffectsSwept>(SideEffectsSwept.TheId, cancellationToken))?.Sequence ?? 0;
        var added = records.Where(r => !existing.Contains(r.Id) && r.Sequence > swept).ToArray();
        if (added.Length == 0) return;
        foreach (var record in added) operations.Insert(record);
        foreach (var session in added.Select(r => r.SessionId).Distinct())
            await bus.PublishAsync(new DeliverSideEffects(session));
    }

    /// <summary>The side effects of one event, given its session's view.</summary>
    internal static IEnumerable<SideEffect> RecordsFor(IEvent e, SessionView? view, DateTimeOffset now)
    {
        var state = view?.State ?? throw new InvalidDataException(
            $"Event {e.Sequence} ({e.EventTypeName}) belongs to stream {e.StreamId}, which has no session view: its side effects cannot be decided.");
        var (score, maxTile) = e.Data switch
        {
            MilestoneReached m => (m.Score, m.Tile),
            GameOver g => (g.FinalScore, g.MaxTile),
            SessionAbandoned a => (a.FinalScore, a.MaxTile),
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.EventTypeName, "Not an event with side effects."),
        };

        if (e.Data is MilestoneReached milestone)
        {
            var achievement = New(e, SideEffectKind.Achievement, now);
            achievement.Player = state.Player;
            achievement.Tile = milestone.Tile;
            yield return achievement;
        }

        if (state.CallbackUrl is { } url)
        {
            var webhook = New(e, SideEffectKind.Webhook, now);
            webhook.Url = url;
            webhook.Body = JsonSerializer.Serialize(new WebhookBody(PublicEventNames.Of(e), e.StreamId, e.Version, score, maxTile, e.Timestamp), BodyJson);
            yield return webhook;
        }
    }

    private static SideEffect New(IEvent e, string kind, DateTimeOffset now) => new()
    {
        Id = SideEffect.IdFor(e.StreamId, e.Version, kind),
        SessionId = e.StreamId,
        Version = e.Version,
        Sequence = e.Sequence,
        Kind = kind,
        EventType = PublicEventNames.Of(e),
        EventTimestamp = e.Timestamp,
        Status = SideEffectStatus.Pending,
        CreatedAt = now,
        NextAttemptAt = now,
    };
}

/// <summary>The body of every webhook: the event's type, the session, its stream version, the score and highest tile
/// the event reports, and the event's timestamp.</summary>
public sealed record WebhookBody(string Type, Guid SessionId, long Version, int Score, int MaxTile, DateTimeOffset Timestamp);
