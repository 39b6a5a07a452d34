using System.Diagnostics;
using System.Text;
using System.Text.Json;
using EventApi.Bench.Harness;
using EventApi.Domain.Game;
using EventApi.Domain.Sessions;
using Marten;
using Npgsql;
using NpgsqlTypes;
using static EventApi.Bench.Harness.Stats;

namespace EventApi.Bench.Modes.Store;

internal sealed record AppendResult(string Name, int PerTransaction, double EventsPerSecond);

/// <summary>
/// Appends of the same <c>TilesMoved</c> to 64 existing streams in turn: through Marten at 1, 10 and 100 events a
/// transaction, and the raw baselines (a single-row INSERT a transaction, a binary COPY of 100 rows a transaction).
/// </summary>
internal sealed class Appends
{
    private const int StreamCount = 64;

    private readonly NpgsqlDataSource _raw;
    private readonly DocumentStore _store;
    private readonly Guid[] _streams;
    private readonly TilesMoved _moved;
    private readonly string _json;
    private long _rawVersion;
    private int _streamCursor;

    private Appends(NpgsqlDataSource raw, DocumentStore store, Guid[] streams, TilesMoved moved, string json)
    {
        _raw = raw;
        _store = store;
        _streams = streams;
        _moved = moved;
        _json = json;
    }

    public static async Task<List<AppendResult>> MeasureAsync(BenchDatabase database, StoreArguments options)
    {
        Console.WriteLine();
        Console.WriteLine($"Appends: {options.AppendEvents} events a round, {options.Rounds} rounds (and a warm-up round).");
        using var store = SessionStore.Create(database.ConnectionString, "bench_appends", sessionView: false);
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        var streams = Enumerable.Range(0, StreamCount).Select(_ => Guid.NewGuid()).ToArray();
        await using (var session = store.LightweightSession())
        {
            foreach (var id in streams) session.Events.StartStream(id, Games.Started(id, 1));
            await session.SaveChangesAsync();
        }

        // A TilesMoved of a typical size: one merge and the spawn.
        var moved = new TilesMoved(Direction.Left, [new Tile(0, 1, 8)], 8, new Tile(3, 2, 2), DateTimeOffset.UtcNow);
        var json = JsonSerializer.Serialize(moved, SessionStore.Json);
        Console.WriteLine($"Event JSON ({Encoding.UTF8.GetByteCount(json)} bytes): {json}");

        await database.CreateRawEventsTableAsync();
        var results = await new Appends(database.Raw, store, streams, moved, json).RoundsAsync(options);
        foreach (var r in results) Console.WriteLine($"  {r.Name,-10} {r.PerTransaction,4}/tx  {r.EventsPerSecond,10:N0} events/s");
        return results;
    }

    /// <summary>A warm-up round, then the measured rounds; the cases take turns in every round.</summary>
    private async Task<List<AppendResult>> RoundsAsync(StoreArguments options)
    {
        var cases = new List<(string Name, int PerTransaction, Func<int, Task> Run)>
        {
            ("raw INSERT", 1, InsertAsync),
            ("Marten", 1, n => MartenAsync(1, n)),
            ("Marten", 10, n => MartenAsync(10, n)),
            ("Marten", 100, n => MartenAsync(100, n)),
            ("raw COPY", 100, n => CopyAsync(100, n)),
        };

        var samples = cases.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round <= options.Rounds; round++)
        {
            // Round 0 warms up (a tenth of the events); the cases take turns in every round.
            var events = round == 0 ? Math.Max(100, options.AppendEvents / 10) : options.AppendEvents;
            events = events / 100 * 100;
            for (var c = 0; c < cases.Count; c++)
            {
                var watch = Stopwatch.StartNew();
                await cases[c].Run(events);
                watch.Stop();
                if (round > 0) samples[c].Add(events / watch.Elapsed.TotalSeconds);
            }
        }

        return cases.Select((c, i) => new AppendResult(c.Name, c.PerTransaction, Median(samples[i]))).ToList();
    }

    private async Task MartenAsync(int perTransaction, int events)
    {
        for (var done = 0; done < events; done += perTransaction)
        {
            await using var session = _store.LightweightSession();
            var batch = new object[perTransaction];
            Array.Fill(batch, _moved);
            session.Events.Append(_streams[_streamCursor++ % StreamCount], batch);
            await session.SaveChangesAsync();
        }
    }

    private async Task InsertAsync(int events)
    {
        await using var conn = await _raw.OpenConnectionAsync();
        for (var done = 0; done < events; done++)
        {
            await using var tx = await conn.BeginTransactionAsync();
            await using var command = new NpgsqlCommand(
                "INSERT INTO raw_events (stream_id, version, type, data) VALUES ($1, $2, $3, $4)", conn, tx);
            command.Parameters.Add(new NpgsqlParameter { Value = _streams[_streamCursor++ % StreamCount] });
            command.Parameters.Add(new NpgsqlParameter { Value = ++_rawVersion });
            command.Parameters.Add(new NpgsqlParameter { Value = "tiles_moved" });
            command.Parameters.Add(new NpgsqlParameter { Value = _json, NpgsqlDbType = NpgsqlDbType.Jsonb });
            await command.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }
    }

    private async Task CopyAsync(int perTransaction, int events)
    {
        await using var conn = await _raw.OpenConnectionAsync();
        for (var done = 0; done < events; done += perTransaction)
        {
            await using var tx = await conn.BeginTransactionAsync();
            var id = _streams[_streamCursor++ % StreamCount];
            await using (var writer = await conn.BeginBinaryImportAsync(
                             "COPY raw_events (stream_id, version, type, data) FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = 0; i < perTransaction; i++)
                {
                    await writer.StartRowAsync();
                    await writer.WriteAsync(id, NpgsqlDbType.Uuid);
                    await writer.WriteAsync(++_rawVersion, NpgsqlDbType.Bigint);
                    await writer.WriteAsync("tiles_moved", NpgsqlDbType.Varchar);
                    await writer.WriteAsync(_json, NpgsqlDbType.Jsonb);
                }

                await writer.CompleteAsync();
            }

            await tx.CommitAsync();
        }
    }
}
