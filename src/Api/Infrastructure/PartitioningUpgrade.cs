using Marten;
using Npgsql;

namespace EventApi.Api.Infrastructure;

/// <summary>
/// Keeps the event sequence through the conversion of an existing store to tables partitioned by <c>is_archived</c>
/// (<see cref="MartenSetup.UseEventStoreSettings"/>). Marten 9.58 converts <c>mt_events</c> by copying it aside, dropping
/// it and creating it anew; <c>mt_events_sequence</c>, which numbers the events, belongs to the dropped table's
/// <c>seq_id</c> column and goes with it. Every append then fails, and a later start creates the sequence again from 1,
/// under events that already have those numbers. Run before Marten applies the schema, this detaches the sequence from the
/// column while <c>mt_events</c> is still a plain table, so it survives the conversion where it was. On a store that is
/// partitioned already, or new, it does nothing.
/// </summary>
public sealed class PartitioningUpgrade(IDocumentStore store, ILogger<PartitioningUpgrade> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var find = new NpgsqlCommand(
            "select (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace " +
            "        where n.nspname = @schema and c.relname = 'mt_events' and c.relkind = 'r') = 1 " +
            "   and (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace " +
            "        where n.nspname = @schema and c.relname = 'mt_events_sequence' and c.relkind = 'S') = 1", connection);
        find.Parameters.AddWithValue("schema", schema);
        if (await find.ExecuteScalarAsync(cancellationToken) is not true) return;

        await using var detach = new NpgsqlCommand($"alter sequence {schema}.mt_events_sequence owned by none", connection);
        await detach.ExecuteNonQueryAsync(cancellationToken);
        logger.LogWarning(
            "The event store's tables are not partitioned by is_archived yet: Marten converts them at this start, copying " +
            "every event and stream (the tables are locked meanwhile); the event sequence was detached from mt_events so that " +
            "it keeps its position");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
