using EventApi.Api.Infrastructure;
using Marten;
using Npgsql;

namespace EventApi.Api.Operations;

/// <summary>
/// The questions about Marten's own event tables that Marten has no API for, asked in SQL, in this one place. The
/// columns were read from Marten 9.58.0's schema: <c>mt_events</c> (<c>seq_id</c>, <c>timestamp</c>, <c>type</c>,
/// <c>is_archived</c>) and <c>mt_streams</c>. A Marten upgrade that changes them breaks the tests of the admin
/// endpoints and of readiness, which use these.
/// </summary>
public static class EventStoreTables
{
    /// <summary>The event tables readiness expects besides the documents' tables.</summary>
    public static IEnumerable<string> Names(StoreOptions options)
    {
        var schema = options.Events.DatabaseSchemaName;
        return [$"{schema}.mt_events", $"{schema}.mt_streams"];
    }

    /// <summary>Events up to <paramref name="upTo"/>, archived or not (the projections read both), of the stored type names
    /// given (of every type when <paramref name="typeNames"/> is null).</summary>
    public static async Task<long> CountEventsAsync(IDocumentStore store, long upTo, IReadOnlyCollection<string>? typeNames, CancellationToken ct)
    {
        if (upTo == 0) return 0;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select count(*) from {store.Options.Events.DatabaseSchemaName}.mt_events where seq_id <= @mark" +
            (typeNames is null ? "" : " and type = any(@types)"), connection);
        command.Parameters.AddWithValue("mark", upTo);
        if (typeNames is not null) command.Parameters.AddWithValue("types", typeNames.ToArray());
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>For each sequence in <paramref name="after"/>, how long the first event after it (up to
    /// <paramref name="highWaterMark"/>) has waited, in seconds by PostgreSQL's clock.</summary>
    public static async Task<Dictionary<long, double>> AgeOfNextEventAsync(IDocumentStore store, long[] after, long highWaterMark,
        CancellationToken ct)
    {
        var ages = new Dictionary<long, double>();
        if (after.Length == 0) return ages;

        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select s.seq, greatest(0, extract(epoch from clock_timestamp() - e.timestamp))::float8 from unnest(@seqs) as s(seq) " +
            $"cross join lateral (select timestamp from {store.Options.Events.DatabaseSchemaName}.mt_events " +
            "where seq_id > s.seq and seq_id <= @hwm order by seq_id limit 1) e", connection);
        command.Parameters.AddWithValue("seqs", after);
        command.Parameters.AddWithValue("hwm", highWaterMark);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ages[reader.GetInt64(0)] = Math.Round(reader.GetDouble(1), 3);
        return ages;
    }
}
