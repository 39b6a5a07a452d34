using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using EventApi.Bench.Harness;

namespace EventApi.Bench.Modes.Daemon;

internal sealed record ShardResult(string Name, TimeSpan Reached);

/// <summary>The JSON of a kind of timeline document: how many, and their average and largest size.</summary>
internal readonly record struct DocumentSizes(long Count, double AverageBytes, int MaxBytes);

/// <summary>The session timelines the catch-up wrote: the heads, the segments and the frames they hold.</summary>
internal readonly record struct TimelineSizes(DocumentSizes Heads, DocumentSizes Segments, long Frames);

internal sealed record CatchUpResult(
    TimeSpan Listening,
    TimeSpan FirstProgress,
    TimeSpan Done,
    IReadOnlyList<ShardResult> Shards,
    double MachineCpuSeconds,
    double ApiStartUpCpuSeconds,
    double ApiCpuSeconds,
    double? PostgresCpuSeconds)
{
    /// <summary>The session timelines the catch-up wrote: how many heads and frames, and the JSON's average and
    /// largest size of each.</summary>
    public TimelineSizes Timelines { get; init; }

    /// <summary>From the first progress seen to the last shard at the mark: the daemon's work without the start-up.</summary>
    public TimeSpan Working => Done - FirstProgress;
}

/// <summary>The API's daemon from zero to the last event, on the loaded database.</summary>
internal static class CatchUp
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Starts the API, whose daemon starts from zero, and polls <c>GET /admin/projections</c> until every shard has
    /// reached <paramref name="lastSequence"/>. Hands the running API back for the rebuilds.
    /// </summary>
    public static async Task<(ApiHost Api, CatchUpResult Result)> MeasureAsync(BenchDatabase database,
        IReadOnlyDictionary<string, string> settings, Workload workload, long lastSequence)
    {
        Console.WriteLine();
        Console.WriteLine($"Catch-up: starting the API; every shard from zero to sequence {lastSequence:N0}.");
        // The API's process does not exist yet: its CPU is all it has used, read from the process at the end.
        var cpu = await CpuMeter.CreateAsync(database);
        var cpuAtStart = cpu.Take();
        var watch = Stopwatch.StartNew();
        var api = await ApiHost.StartAsync(database.ConnectionString, settings);
        try
        {
            var listening = watch.Elapsed;
            var startUpCpu = ProcessCpu.Of(api.ProcessId).TotalSeconds;
            using var client = DaemonApi.AdminClient(api);
            var (first, reached) = await PollAsync(client, api, watch, lastSequence);
            var done = watch.Elapsed;
            var spent = cpu.Take() - cpuAtStart;
            var result = new CatchUpResult(listening, first ?? done, done,
                reached.OrderBy(r => r.Value).Select(r => new ShardResult(r.Key, r.Value)).ToArray(), spent.Machine.TotalSeconds,
                startUpCpu, ProcessCpu.Of(api.ProcessId).TotalSeconds, spent.Postgres?.TotalSeconds);
            Print(result, lastSequence);
            await DaemonApi.VerifyAsync(client, workload);
            result = result with { Timelines = await TimelinesAsync(database) };
            var (heads, segments, frames) = result.Timelines;
            Console.WriteLine(
                $"  {heads.Count:N0} timeline heads, {heads.AverageBytes:N0} bytes of JSON on average, at most {heads.MaxBytes:N0}; " +
                $"{segments.Count:N0} segments holding {frames:N0} moves, {segments.AverageBytes:N0} bytes on average, at most {segments.MaxBytes:N0}.");
            return (api, result);
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    /// <summary>Polls the daemon's report until every shard is at <paramref name="lastSequence"/>: when the first progress
    /// was seen, and when each shard reached the mark.</summary>
    private static async Task<(TimeSpan? First, Dictionary<string, TimeSpan> Reached)> PollAsync(HttpClient client, ApiHost api,
        Stopwatch watch, long lastSequence)
    {
        TimeSpan? first = null;
        var reached = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var printed = TimeSpan.Zero;
        while (true)
        {
            var report = await client.GetFromJsonAsync<ProjectionsDto>("/admin/projections")
                         ?? throw new InvalidDataException("No daemon report.");
            var now = watch.Elapsed;
            foreach (var shard in report.Shards)
            {
                if (shard.Error is { } error) throw new InvalidOperationException($"Shard {shard.Name} is {shard.Status}: {error}");
                if (shard.Sequence > 0) first ??= now;
                if (shard.Sequence >= lastSequence) reached.TryAdd(shard.Name, now);
            }

            if (report.Shards.Count > 0 && reached.Count == report.Shards.Count) return (first, reached);
            if (now - printed >= TimeSpan.FromSeconds(5))
            {
                printed = now;
                Console.WriteLine($"  {now.TotalSeconds,6:F1} s: " +
                                  string.Join(", ", report.Shards.Select(s => $"{s.Name} {s.Sequence:N0}")));
            }

            if (now > TimeSpan.FromMinutes(15)) throw new TimeoutException($"The daemon had not caught up after {now}:\n{api.Output}");
            await Task.Delay(PollInterval);
        }
    }

    private static void Print(CatchUpResult result, long lastSequence)
    {
        foreach (var shard in result.Shards)
        {
            Console.WriteLine($"  {shard.Name,-28} at the mark after {shard.Reached.TotalSeconds,6:F1} s " +
                              $"({lastSequence / shard.Reached.TotalSeconds:N0} events/s from process start)");
        }

        var postgres = result.PostgresCpuSeconds;
        Console.WriteLine(
            $"  listening after {result.Listening.TotalSeconds:F1} s, first progress {result.FirstProgress.TotalSeconds:F1} s, " +
            $"all at the mark {result.Done.TotalSeconds:F1} s: {lastSequence / result.Done.TotalSeconds:N0} events/s from process start, " +
            $"{lastSequence / result.Working.TotalSeconds:N0} from the first progress. CPU: machine {result.MachineCpuSeconds:F1} s, " +
            $"API {result.ApiCpuSeconds:F1} s ({result.ApiStartUpCpuSeconds:F1} s of it until it listened), PostgreSQL {(postgres is { } p ? $"{p:F1} s" : "n/a")}.");
    }

    private static async Task<TimelineSizes> TimelinesAsync(BenchDatabase database)
    {
        await using var count = database.Raw.CreateCommand(
            "SELECT coalesce(sum(coalesce(length(data->>'played') / 3, jsonb_array_length(coalesce(data->'moves', data->'frames')))), 0)::bigint " +
            "FROM mt_doc_sessiontimelinesegment");
        return new TimelineSizes(await SizesAsync(database, "mt_doc_sessiontimeline"),
            await SizesAsync(database, "mt_doc_sessiontimelinesegment"), (long)(await count.ExecuteScalarAsync())!);
    }

    private static async Task<DocumentSizes> SizesAsync(BenchDatabase database, string table)
    {
        await using var sizes = database.Raw.CreateCommand(
            $"SELECT count(*), coalesce(avg(octet_length(data::text)), 0)::float8, coalesce(max(octet_length(data::text)), 0) FROM {table}");
        await using var reader = await sizes.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new DocumentSizes(reader.GetInt64(0), reader.GetDouble(1), reader.GetInt32(2));
    }
}
