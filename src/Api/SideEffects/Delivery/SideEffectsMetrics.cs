using System.Diagnostics.Metrics;

namespace EventApi.Api.Features.SideEffects;

/// <summary>
/// The meter <c>EventApi.SideEffects</c>: counters of deliveries, retries and dead letters (tagged with the kind) and
/// of the side effects the retention sweep deleted, the lag from the event to its delivery, and gauges of the outbox's
/// pending and waiting side effects (refreshed by the sweeper; they count the whole outbox, so every node reports the
/// same figures).
/// </summary>
public sealed class SideEffectsMetrics
{
    public const string MeterName = "EventApi.SideEffects";

    private readonly Counter<long> _delivered;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _swept;
    private readonly Histogram<double> _lag;
    private long _pending;
    private long _waiting;

    public SideEffectsMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _delivered = meter.CreateCounter<long>("eventapi.side_effects.delivered", "{side_effect}", "Side effects delivered.");
        _retried = meter.CreateCounter<long>("eventapi.side_effects.retried", "{attempt}", "Failed attempts that will be tried again.");
        _deadLettered = meter.CreateCounter<long>("eventapi.side_effects.dead_lettered", "{side_effect}", "Side effects moved to the dead letters.");
        _swept = meter.CreateCounter<long>("eventapi.side_effects.swept", "{side_effect}", "Delivered and discarded side effects deleted after their retention.");
        _lag = meter.CreateHistogram<double>("eventapi.side_effects.lag", "s", "From the event's timestamp to its side effect's delivery.");
        meter.CreateObservableGauge("eventapi.side_effects.pending", () => Volatile.Read(ref _pending), "{side_effect}", "Side effects to deliver.");
        meter.CreateObservableGauge("eventapi.side_effects.waiting", () => Volatile.Read(ref _waiting), "{side_effect}", "Side effects waiting behind a dead letter of their session.");
    }

    public void Delivered(string kind, double lagSeconds)
    {
        _delivered.Add(1, Tag(kind));
        _lag.Record(lagSeconds, Tag(kind));
    }

    public void Retried(string kind) => _retried.Add(1, Tag(kind));

    public void DeadLettered(string kind) => _deadLettered.Add(1, Tag(kind));

    public void Swept(long count) => _swept.Add(count);

    public void Backlog(long pending, long waiting)
    {
        Volatile.Write(ref _pending, pending);
        Volatile.Write(ref _waiting, waiting);
    }

    private static KeyValuePair<string, object?> Tag(string kind) => new("kind", kind);
}
