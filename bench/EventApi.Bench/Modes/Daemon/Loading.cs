using System.Diagnostics;
using System.Text.Json;
using EventApi.Bench.Harness;
using JasperFx;
using Marten;
using Npgsql;
using static EventApi.Bench.Harness.Stats;

namespace EventApi.Bench.Modes.Daemon;

internal sealed record LoadResult(TimeSpan Events, TimeSpan Views, long LastSequence, long TableBytes);

internal sealed record BaselineResult(IReadOnlyList<double> Rates)
{
    public double Rate => Median(Rates);
}

/// <summary>The workload bulk-loaded into the API's schema, and the baseline: a raw read of it.</summary>
internal static class Loading
{
    public static async Task<LoadResult> LoadAsync(DocumentStore store, BenchDatabase database, Workload workload)
    {
        Console.WriteLine();
        Console.WriteLine(
            $"Generated {workload.Events.Count:N0} events of {workload.Sessions:N0} sessions in {workload.Elapsed.TotalSeconds:F1} s " +
            $"({workload.Over:N0} over, {workload.Abandoned:N0} abandoned, {workload.Active:N0} active; {workload.Challenges:N0} " +
            $"daily challenges; {workload.Milestones:N0} milestones).");

        var watch = Stopwatch.StartNew();
        await store.BulkInsertEventStreamAsync(StorageConstants.DefaultTenantId, workload.Streams, workload.Events.ToAsyncEnumerable(), batchSize: 10_000);
        var events = watch.Elapsed;
        watch.Restart();
        await store.BulkInsertDocumentsAsync(workload.Views, batchSize: 5_000);
        var views = watch.Elapsed;

        // Autovacuum would analyze the new rows within a minute; doing it now makes every run start alike.
        await database.ExecuteAsync("ANALYZE");
        await using var command = database.Raw.CreateCommand(
            "SELECT (SELECT max(seq_id) FROM mt_events), pg_total_relation_size('mt_events')");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var result = new LoadResult(events, views, reader.GetInt64(0), reader.GetInt64(1));
        Console.WriteLine(
            $"Loaded: events {events.TotalSeconds:F1} s ({workload.Events.Count / events.TotalSeconds:N0} events/s), " +
            $"{workload.Views.Count:N0} session views {views.TotalSeconds:F1} s; last sequence {result.LastSequence:N0}, " +
            $"mt_events {result.TableBytes / (1024.0 * 1024):N0} MiB.");
        return result;
    }

    /// <summary>One streaming query over every event in sequence order, each row deserialized into its event type.</summary>
    public static async Task<BaselineResult> BaselineAsync(NpgsqlDataSource raw, Dictionary<string, Type> typeByName, int expected, int rounds)
    {
        Console.WriteLine();
        Console.WriteLine($"Baseline: SELECT type, data FROM mt_events ORDER BY seq_id + System.Text.Json, {rounds} rounds.");
        var rates = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var watch = Stopwatch.StartNew();
            await using var command = raw.CreateCommand("SELECT type, data FROM mt_events ORDER BY seq_id");
            command.CommandTimeout = 0;
            await using var reader = await command.ExecuteReaderAsync();
            var count = 0;
            while (await reader.ReadAsync())
            {
                _ = JsonSerializer.Deserialize(reader.GetString(1), typeByName[reader.GetString(0)], SessionStore.Json)
                    ?? throw new InvalidDataException("A null event.");
                count++;
            }

            watch.Stop();
            if (count != expected) throw new InvalidOperationException($"Read {count} events, expected {expected}.");
            rates.Add(count / watch.Elapsed.TotalSeconds);
            Console.WriteLine($"  round {round + 1}: {watch.Elapsed.TotalSeconds:F2} s, {rates[^1]:N0} events/s");
        }

        return new BaselineResult(rates);
    }
}
