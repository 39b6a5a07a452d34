using System.Diagnostics;
using System.Globalization;
using System.Text;
using EventApi.Bench.Harness;

namespace EventApi.Bench.Modes.Http;

/// <summary>
/// HTTP moves: single-move <c>POST /sessions/{id}/moves</c> against the API's Release build in a process of its own,
/// closed-loop at each concurrency level, against three baselines in the same run: the same move hand-written over
/// Npgsql (<c>bench/EventApi.Floor</c>, a process of its own on the same tables: the floor of this schema), a raw Npgsql
/// single-row INSERT of a stored move's JSON (autocommit, one transaction a row; the database's commit limit) and
/// <c>GET /health/live</c> on the same API process (the HTTP ceiling). The four cases take turns at each level. Creates its own database
/// on the server of the connection string (EVENTAPI_BENCH_PG or --connection) and drops it at the end.
/// </summary>
public static class HttpBenchmarks
{
    internal const string Moves = "moves";

    /// <summary>Moves sent to the API and to the floor before anything is measured.</summary>
    internal static readonly TimeSpan JitWarmUp = TimeSpan.FromSeconds(30);

    internal const string Floor = "floor";
    internal const string RawInsert = "raw INSERT";
    internal const string TrivialGet = "trivial GET";

    public static async Task<int> RunAsync(string[] args)
    {
        // Figures in the report and the console read the same everywhere.
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var options = HttpArguments.Parse(args);
        if (options is null) return 2;

        var total = Stopwatch.StartNew();
        await using var database = await BenchDatabase.CreateAsync(options.Connection, "http");
        await using var api = await ApiHost.StartAsync(database.ConnectionString);
        Console.WriteLine($"API started at {api.Address} ({total.Elapsed.TotalSeconds:F1} s).");
        using var client = api.CreateClient();
        var cpu = await CpuMeter.CreateAsync(database, api.ProcessId);
        await using var floor = await ApiHost.StartAsync(database.ConnectionString, assembly: FloorAssembly());
        using var floorClient = floor.CreateClient();
        // The floor's own CPU and the API's, whose daemon projects the floor's events as it does the product's.
        var floorCpu = await CpuMeter.CreateAsync(database, [floor.ProcessId, api.ProcessId]);
        Console.WriteLine($"The floor at {floor.Address}.");

        var sessions = new SessionPool(client);
        await sessions.TopUpAsync(options.Sessions);
        Console.WriteLine($"{options.Sessions} sessions started over HTTP ({total.Elapsed.TotalSeconds:F1} s).");

        // A first round of moves on each warms the API and the floor up (.NET's tiered JIT recompiles a hot method after
        // about 30 calls and 100 ms in the background: a process seconds old spends much of its CPU in the JIT), and stores
        // the events the INSERT baseline copies.
        foreach (var target in new[] { client, floorClient })
        {
            await sessions.TopUpAsync(options.Sessions);
            await ClosedLoop.MeasureAsync(() => Task.FromResult<IWorker>(new MoveWorker(target, sessions)), options.Concurrency.Max(),
                JitWarmUp, options.WarmUp, cpu);
        }
        var payload = await StoredMoveAsync(database);
        Console.WriteLine($"INSERT payload: the median stored TilesMoved, {payload.Bytes} bytes as jsonb text: {payload.Json}");
        await database.CreateRawEventsTableAsync();

        var cases = new (string Name, Func<Task<IWorker>> Open, CpuMeter Cpu)[]
        {
            (Moves, () => Task.FromResult<IWorker>(new MoveWorker(client, sessions)), cpu),
            (Floor, () => Task.FromResult<IWorker>(new MoveWorker(floorClient, sessions)), floorCpu),
            (RawInsert, async () => await InsertWorker.OpenAsync(database.Raw, payload.Json), cpu),
            (TrivialGet, () => Task.FromResult<IWorker>(new GetWorker(client)), cpu),
        };
        var (results, longestCatchUp) = await MeasureCasesAsync(cases, options, sessions, database);

        await sessions.VerifyAsync();
        Console.WriteLine(
            $"Every session's board and move count on the server match the client's engine ({sessions.Started:N0} sessions, " +
            $"{sessions.Finished:N0} games over). Total {total.Elapsed.TotalSeconds:F0} s.");

        var run = new HttpRun(options, payload, sessions.Started, sessions.Finished, longestCatchUp, results);
        Console.WriteLine();
        Console.WriteLine(HttpReport.ConsoleTable(run));
        var markdown = HttpReport.Render(run, database);
        Console.WriteLine(markdown);
        if (options.Markdown is not null) Report.WriteSection(options.Markdown, "http", markdown);
        return 0;
    }

    /// <summary>The cases in turns at each concurrency level; the longest the daemon took to catch up after moves.</summary>
    private static async Task<(List<Result> Results, TimeSpan LongestCatchUp)> MeasureCasesAsync(
        (string Name, Func<Task<IWorker>> Open, CpuMeter Cpu)[] cases, HttpArguments options, SessionPool sessions, BenchDatabase database)
    {
        var results = new List<Result>();
        var longestCatchUp = TimeSpan.Zero;
        foreach (var concurrency in options.Concurrency)
        {
            foreach (var (name, open, cpu) in cases)
            {
                // Games that ended are replaced here, outside the timed window.
                if (name is Moves or Floor) await sessions.TopUpAsync(options.Sessions);
                var measured = await ClosedLoop.MeasureAsync(open, concurrency, options.WarmUp, options.Duration, cpu);
                var result = new Result(name, concurrency, measured);
                results.Add(result);
                Console.WriteLine(
                    $"  {concurrency,3} {name,-12} {result.RequestsPerSecond,8:N0} req/s  p50 {result.P50,7:F2} ms  " +
                    $"p95 {result.P95,7:F2} ms  p99 {result.P99,7:F2} ms  ({result.Requests:N0} requests)");

                // The async daemon's work on the moves' events is not left to slow the next case down.
                if (name is Moves or Floor)
                {
                    var catchUp = await WaitForDaemonAsync(database);
                    if (catchUp > longestCatchUp) longestCatchUp = catchUp;
                }
            }
        }

        return (results, longestCatchUp);
    }

    /// <summary>The floor's Release build (<c>scripts/bench.sh</c> builds it).</summary>
    private static string FloorAssembly()
    {
        var path = Path.Combine(EventApi.Testing.ApiRunner.RepositoryRoot, "bench", "EventApi.Floor", "bin", "Release", "net10.0", "EventApi.Floor.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("The floor's Release build is missing: dotnet build bench/EventApi.Floor -c Release.", path);
    }

    /// <summary>Waits until every async projection and subscription has processed every event the moves appended.</summary>
    private static async Task<TimeSpan> WaitForDaemonAsync(BenchDatabase database)
    {
        var waited = Stopwatch.StartNew();
        while (await database.EventsBehindAsync() > 0)
        {
            if (waited.Elapsed > TimeSpan.FromMinutes(1))
                throw new TimeoutException("The async daemon did not catch up with the moves within a minute.");
            await Task.Delay(50);
        }

        return waited.Elapsed;
    }

    /// <summary>The median-sized TilesMoved the API stored in this run, for the INSERT baseline to write.</summary>
    private static async Task<StoredMove> StoredMoveAsync(BenchDatabase database)
    {
        await using var command = database.Raw.CreateCommand("""
            SELECT data::text FROM mt_events WHERE type = 'tiles_moved'
            ORDER BY octet_length(data::text)
            OFFSET (SELECT count(*) / 2 FROM mt_events WHERE type = 'tiles_moved') LIMIT 1
            """);
        var json = (string?)await command.ExecuteScalarAsync()
                   ?? throw new InvalidOperationException("The warm-up stored no TilesMoved.");
        return new StoredMove(json, Encoding.UTF8.GetByteCount(json));
    }
}

internal sealed record StoredMove(string Json, int Bytes);

/// <summary>What a run measured, for the report.</summary>
internal sealed record HttpRun(
    HttpArguments Options,
    StoredMove Payload,
    int Sessions,
    int GamesOver,
    TimeSpan LongestCatchUp,
    List<Result> Results)
{
    public double Ratio(int concurrency, string of, string to) =>
        Find(of, concurrency).RequestsPerSecond / Find(to, concurrency).RequestsPerSecond;

    private Result Find(string @case, int concurrency) => Results.Single(r => r.Case == @case && r.Concurrency == concurrency);
}
