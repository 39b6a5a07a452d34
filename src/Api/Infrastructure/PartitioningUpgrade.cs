using Marten;
using Npgsql;

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
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var find = new NpgsqlCommand(
            "select c.relkind::text, exists (select 1 from pg_class q where q.relnamespace = n.oid and q.relname = 'mt_events_sequence' and q.relkind = 'S') " +
            "from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = @schema and c.relname = 'mt_events'", connection);
        find.Parameters.AddWithValue("schema", schema);
        string? kind = null;
        var sequence = false;
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken)) (kind, sequence) = (reader.GetString(0), reader.GetBoolean(1));
        }

        var partitioned = store.Options.Events.UseArchivedStreamPartitioning;
        if (kind == "p" && !partitioned)
            throw new InvalidOperationException(
                $"The event tables of this store are partitioned for archiving: set {ArchivingSetting}=true. Turning archiving " +
                "off again is not supported (docs/operations.md, \"Archiving finished sessions\").");
        if (kind != "r" || !partitioned || !sequence) return;

        await using var detach = new NpgsqlCommand($"alter sequence {schema}.mt_events_sequence owned by none", connection);
        await detach.ExecuteNonQueryAsync(cancellationToken);
        logger.LogWarning(
            "Archiving is on and the event store's tables are not partitioned by is_archived yet: Marten converts them at this " +
            "start, copying every event and stream (the tables are locked meanwhile); the event sequence was detached from " +
            "mt_events so that it keeps its position");
    }

    private const string ArchivingSetting = "EventApi:Archiving:Enabled";

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
