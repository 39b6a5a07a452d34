using Marten;
using Marten.Schema;
using Npgsql;

namespace EventApi.Api.Features.SideEffects;

/// <summary>How long side effects took from their event to their delivery, over the latest deliveries.</summary>
public sealed record LagSummary
{
    /// <summary>The deliveries measured: the latest ones, at most <see cref="SideEffectsOutbox.LagSample"/>.</summary>
    /// <example>1000</example>
    public required int Deliveries { get; init; }

    /// <example>0.21</example>
    public double? P50Seconds { get; init; }

    /// <example>1.4</example>
    public double? P95Seconds { get; init; }

    /// <example>6.8</example>
    public double? P99Seconds { get; init; }

    /// <example>31.2</example>
    public double? MaxSeconds { get; init; }
}

/// <summary>Reads the side-effects outbox table with SQL where LINQ has no words for it (counts by status, the head of
/// every session's queue, percentiles). Every query is bounded by an index or a limit.</summary>
public sealed class SideEffectsOutbox(IDocumentStore store)
{
    /// <summary>The lag percentiles are taken over this many of the latest deliveries.</summary>
    public const int LagSample = 1000;

    private readonly Lazy<Names> _names = new(() => Names.Of(store));

    /// <summary>How many side effects have each status, of the given ones (every status when none are given).</summary>
    public async Task<Dictionary<string, long>> CountByStatusAsync(string[]? statuses, CancellationToken ct)
    {
        var n = _names.Value;
        var counts = SideEffectStatus.All.ToDictionary(s => s, _ => 0L, StringComparer.Ordinal);
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select {n.Status}, count(*) from {n.Table}" + (statuses is null ? "" : $" where {n.Status} = any(@statuses)") + $" group by {n.Status}",
            connection);
        if (statuses is not null) command.Parameters.AddWithValue("statuses", statuses);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) counts[reader.GetString(0)] = reader.GetInt64(1);
        return counts;
    }

    /// <summary>Of the pending side effects: those that have failed at least once and wait for their next attempt, those
    /// of a kind this version does not know (they wait for a newer node), and how long the event of the oldest one has
    /// waited (null when none is pending).</summary>
    public async Task<(long Retrying, long UnknownKind, double? OldestPendingSeconds)> PendingAsync(CancellationToken ct)
    {
        var n = _names.Value;
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select count(*) filter (where (data ->> 'attempts')::int > 0), count(*) filter (where {n.Kind} <> all(@known)), " +
            "extract(epoch from clock_timestamp() - min((data ->> 'eventTimestamp')::timestamptz))::float8 " +
            $"from {n.Table} where {n.Status} = @pending", connection);
        command.Parameters.AddWithValue("pending", SideEffectStatus.Pending);
        command.Parameters.AddWithValue("known", SideEffectKind.All);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : Math.Round(Math.Max(0, reader.GetDouble(2)), 3));
    }

    /// <summary>The percentiles of the lag over the latest <see cref="LagSample"/> deliveries (an index scan on the
    /// delivery time).</summary>
    public async Task<LagSummary> LagAsync(CancellationToken ct)
    {
        var n = _names.Value;
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select count(*)::int, percentile_cont(array[0.5, 0.95, 0.99]) within group (order by lag), max(lag) from " +
            $"(select (data ->> 'lagSeconds')::float8 as lag from {n.Table} where {n.DeliveredAt} is not null " +
            $"order by {n.DeliveredAt} desc limit {LagSample}) latest", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var count = reader.GetInt32(0);
        if (count == 0) return new LagSummary { Deliveries = 0 };
        var percentiles = reader.GetFieldValue<double[]>(1);
        return new LagSummary
        {
            Deliveries = count,
            P50Seconds = Math.Round(percentiles[0], 3),
            P95Seconds = Math.Round(percentiles[1], 3),
            P99Seconds = Math.Round(percentiles[2], 3),
            MaxSeconds = Math.Round(reader.GetDouble(2), 3),
        };
    }

    /// <summary>
    /// Sessions whose next side effect (the head of their queue) is not dead-lettered and was due before
    /// <paramref name="cutoff"/>: their wake-up is overdue, or was lost. The earliest first, at most <paramref name="limit"/>.
    /// </summary>
    public async Task<List<Guid>> OverdueSessionsAsync(DateTimeOffset cutoff, int limit, CancellationToken ct)
    {
        var n = _names.Value;
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select session_id from (select distinct on ({n.SessionId}) {n.SessionId} as session_id, {n.Status} as status, " +
            $"{n.NextAttemptAt} as due from {n.Table} where {n.Status} = any(@open) order by {n.SessionId}, {n.Version}, {n.Kind}) heads " +
            "where status <> @dead and due <= @cutoff order by due limit @limit", connection);
        command.Parameters.AddWithValue("open", SideEffectStatus.Open);
        command.Parameters.AddWithValue("dead", SideEffectStatus.DeadLettered);
        command.Parameters.AddWithValue("cutoff", cutoff);
        command.Parameters.AddWithValue("limit", limit);
        var sessions = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) sessions.Add(reader.GetGuid(0));
        return sessions;
    }

    /// <summary>
    /// Deletes up to <paramref name="limit"/> side effects delivered, or discarded, before <paramref name="cutoff"/>, and
    /// raises the <see cref="SideEffectsSwept"/> mark to the highest event sequence deleted, in one statement (and
    /// transaction). Rows another sweep has locked are skipped, not waited for. Returns how many it deleted.
    /// </summary>
    /// <remarks>Delivered ones are found by the index on the delivery time, the oldest first; discarded ones (few: an
    /// operator discards them one by one) by the index on the status, with the dead-letter time for those discarded before
    /// the discard time was recorded. A union cannot lock its rows, hence the second select that locks them.</remarks>
    public async Task<int> DeleteFinishedAsync(DateTimeOffset cutoff, int limit, CancellationToken ct)
    {
        var n = _names.Value;
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"with doomed as ((select id from {n.Table} where {n.DeliveredAt} < @cutoff and {n.Status} = @delivered order by {n.DeliveredAt} limit @limit) " +
            $"union all (select id from {n.Table} where {n.Status} = @discarded and " +
            "coalesce((data ->> 'discardedAt')::timestamptz, (data ->> 'deadLetteredAt')::timestamptz) < @cutoff limit @limit) limit @limit), " +
            $"locked as (select id from {n.Table} where id in (select id from doomed) and {n.Status} = any(@finished) for update skip locked), " +
            $"deleted as (delete from {n.Table} t using locked where t.id = locked.id returning (t.data ->> 'sequence')::bigint as sequence), " +
            $"mark as (insert into {n.Swept} as m (id, data, mt_dotnet_type) " +
            "select @mark, jsonb_build_object('id', @mark, 'sequence', max(sequence)), @type from deleted having count(*) > 0 " +
            "on conflict (id) do update set data = jsonb_build_object('id', @mark, 'sequence', " +
            "greatest((m.data ->> 'sequence')::bigint, (excluded.data ->> 'sequence')::bigint)), mt_last_modified = transaction_timestamp()) " +
            "select count(*)::int from deleted", connection);
        command.Parameters.AddWithValue("cutoff", cutoff);
        command.Parameters.AddWithValue("delivered", SideEffectStatus.Delivered);
        command.Parameters.AddWithValue("discarded", SideEffectStatus.Discarded);
        command.Parameters.AddWithValue("finished", (string[])[SideEffectStatus.Delivered, SideEffectStatus.Discarded]);
        command.Parameters.AddWithValue("limit", limit);
        command.Parameters.AddWithValue("mark", SideEffectsSwept.TheId);
        command.Parameters.AddWithValue("type", typeof(SideEffectsSwept).FullName!);
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <summary>The table and the duplicated columns, as Marten named them.</summary>
    private sealed record Names(string Table, string SessionId, string Version, string Kind, string Status, string NextAttemptAt,
        string DeliveredAt, string Swept)
    {
        public static Names Of(IDocumentStore store)
        {
            var known = store.Options.AllKnownDocumentTypes().ToArray();
            var mapping = (DocumentMapping)known.Single(t => t.DocumentType == typeof(SideEffect));
            var swept = (DocumentMapping)known.Single(t => t.DocumentType == typeof(SideEffectsSwept));
            string Column(string member) => mapping.DuplicatedFields.Single(f => f.Members[^1].Name == member).ColumnName;
            return new Names(mapping.TableName.QualifiedName, Column(nameof(SideEffect.SessionId)), Column(nameof(SideEffect.Version)),
                Column(nameof(SideEffect.Kind)), Column(nameof(SideEffect.Status)), Column(nameof(SideEffect.NextAttemptAt)),
                Column(nameof(SideEffect.DeliveredAt)), swept.TableName.QualifiedName);
        }
    }
}
