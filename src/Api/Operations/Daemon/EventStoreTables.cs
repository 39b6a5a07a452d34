using EventApi.Api.Infrastructure;
using Marten;
using Npgsql;

namespace EventApi.Api.Operations;

/// <summary>
/// The questions about Marten's own event tables that Marten has no API for, asked in SQL, in this one place (but for
/// the archiver's pick of finished sessions, which joins <c>mt_streams</c> to the session view: <c>SessionArchiver</c>).
/// The columns were read from Marten 9.58.0's schema: <c>mt_events</c> (<c>seq_id</c>, <c>timestamp</c>, <c>type</c>,
/// <c>is_archived</c>), <c>mt_streams</c> and <c>mt_events_sequence</c>. A Marten upgrade that changes them breaks the
/// tests of the admin endpoints, of readiness, of archiving and of the side-effects subscription, which use these.
/// </summary>
public static class EventStoreTables
{
    /// <summary>The event tables readiness expects besides the documents' tables.</summary>
    public static IEnumerable<string> Names(StoreOptions options)
    {
        var schema = options.Events.DatabaseSchemaName;
        return [$"{schema}.mt_events", $"{schema}.mt_streams"];
    }

    /// <summary>What <c>mt_events</c> is now: <c>'r'</c> a plain table, <c>'p'</c> a partitioned one, null none yet; and
    /// whether the event sequence exists.</summary>
    public static async Task<(char? Kind, bool Sequence)> EventsTableAsync(IDocumentStore store, CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select c.relkind, exists (select 1 from pg_class q where q.relnamespace = n.oid and q.relname = 'mt_events_sequence' and q.relkind = 'S') " +
            "from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = @schema and c.relname = 'mt_events'", connection);
        command.Parameters.AddWithValue("schema", store.Options.Events.DatabaseSchemaName);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetChar(0), reader.GetBoolean(1)) : (null, false);
    }

    /// <summary>Makes <c>mt_events_sequence</c> belong to no column, so that dropping <c>mt_events</c> leaves it.</summary>
    public static async Task DetachEventSequenceAsync(IDocumentStore store, CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"alter sequence {store.Options.Events.DatabaseSchemaName}.mt_events_sequence owned by none", connection);
        await command.ExecuteNonQueryAsync(ct);
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

    /// <summary>The first live (not archived) event after sequence <paramref name="after"/> and up to
    /// <paramref name="upTo"/> whose stored type name is none of <paramref name="typeNames"/>, or null; asked through
    /// <paramref name="session"/>, so in the daemon's batch when a subscription asks. Reads the type names only.</summary>
    public static async Task<(long Sequence, string Type)?> FirstEventOfOtherTypeAsync(IQuerySession session, long after, long upTo,
        string[] typeNames, CancellationToken ct)
    {
        var first = await session.AdvancedSql.QueryAsync<EventOfType>(
            $"select jsonb_build_object('sequence', seq_id, 'type', type) from {session.DocumentStore.Options.Events.DatabaseSchemaName}.mt_events " +
            "where seq_id > ? and seq_id <= ? and is_archived = false and type <> all(?) order by seq_id limit 1",
            ct, after, upTo, typeNames).ConfigureAwait(false);
        return first.Count > 0 ? (first[0].Sequence, first[0].Type) : null;
    }

    /// <summary>One row of <see cref="FirstEventOfOtherTypeAsync"/> (Marten's SQL queries read a record from JSON).</summary>
    private sealed record EventOfType(long Sequence, string Type);

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
