using Marten;
using EventApi.Api.Features.Sessions.Archiving;
using EventApi.Api.Operations;

namespace EventApi.Api.Infrastructure;

/// <summary>
/// Guards the conversion of the event tables to tables partitioned by <c>is_archived</c>, which archiving
/// (<c>EventApi:Archiving:Enabled</c>) needs. Marten 9.58 converts an existing <c>mt_events</c> by copying it aside,
/// dropping it and creating it anew; <c>mt_events_sequence</c>, which numbers the events, belongs to the dropped table's
/// <c>seq_id</c> column and goes with it. Every append then fails, and a later start creates the sequence again from 1,
/// under events that already have those numbers. Run before Marten applies the schema, this detaches the sequence from the
/// column while <c>mt_events</c> is still a plain table, so it survives the conversion where it was. The way back is
/// refused: a store whose tables are partitioned does not start with archiving off (Marten would copy the tables again,
/// the archive included, into plain ones). On a store already as configured, or new, it does nothing.
/// </summary>
public sealed class PartitioningUpgrade(IDocumentStore store, ILogger<PartitioningUpgrade> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var (kind, sequence) = await EventStoreTables.EventsTableAsync(store, cancellationToken);
        var partitioned = store.Options.Events.UseArchivedStreamPartitioning;
        if (kind == 'p' && !partitioned)
            throw new InvalidOperationException(
                $"The event tables of this store are partitioned for archiving: set {ArchivingSetting}=true. Turning archiving " +
                "off again is not supported (docs/operations.md, \"Archiving finished sessions\").");
        if (kind != 'r' || !partitioned || !sequence) return;

        await EventStoreTables.DetachEventSequenceAsync(store, cancellationToken);
        logger.LogWarning(
            "Archiving is on and the event store's tables are not partitioned by is_archived yet: Marten converts them at this " +
            "start, copying every event and stream (the tables are locked meanwhile); the event sequence was detached from " +
            "mt_events so that it keeps its position");
    }

    private const string ArchivingSetting = $"{ArchivingOptions.Section}:{nameof(ArchivingOptions.Enabled)}";

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
