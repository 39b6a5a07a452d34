using System.Text;
using EventApi.Bench.Harness;
using static EventApi.Bench.Harness.Report;
using static EventApi.Bench.Modes.Http.HttpBenchmarks;

namespace EventApi.Bench.Modes.Http;

/// <summary>The http mode's console table and its section of docs/benchmarks.md.</summary>
internal static class HttpReport
{
    private const int TargetConcurrency = 32;
    /// <summary>The product's move against the same move hand-written (the floor).</summary>
    private const double FloorTarget = 0.8;
    /// <summary>The product's move against a raw single-row INSERT.</summary>
    private const double InsertTarget = 0.25;

    public static string ConsoleTable(HttpRun run)
    {
        var table = new StringBuilder();
        table.AppendLine(
            $"{"concurrency",11}  {"case",-12} {"req/s",8} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8}  " +
            $"{"CPU ms/req: API",15} {"PG",6} {"bench",6} {"cores",6}  {"moves/floor",11} {"moves/INSERT",12} {"moves/GET",9}");
        foreach (var r in run.Results)
        {
            var ratios = r.Case == Moves
                ? $"{F(run.Ratio(r.Concurrency, Moves, Floor), "F2"),11} {F(run.Ratio(r.Concurrency, Moves, RawInsert), "F2"),12} " +
                  $"{F(run.Ratio(r.Concurrency, Moves, TrivialGet), "F2"),9}"
                : "";
            table.AppendLine(
                $"{r.Concurrency,11}  {r.Case,-12} {F(r.RequestsPerSecond, "N0"),8} {F(r.P50, "F2"),8} {F(r.P95, "F2"),8} " +
                $"{F(r.P99, "F2"),8}  {Ms(r.CpuPerRequest.Api),15} {Ms(r.CpuPerRequest.Postgres),6} " +
                $"{Ms(r.CpuPerRequest.Bench),6} {F(r.CoresBusy, "F2"),6}  {ratios}");
        }

        return table.ToString();
    }

    public static string Render(HttpRun run, BenchDatabase database)
    {
        var md = Report.BeginSection("HTTP moves", database,
            "scripts/bench.sh http       # builds src/Api in Release, then: dotnet run -c Release --project bench/EventApi.Bench -- http");
        md.AppendLine("The API's Release build runs as a process of its own (Production environment, log level Warning, the async");
        md.AppendLine("daemon running as in production) on a database of the run's own. The load generator runs in the bench process and");
        md.AppendLine("PostgreSQL in a third: **all three share the machine's 2 cores**. Every figure, the baselines' too, is bounded by");
        md.AppendLine("that, and a ratio compares what each case gets out of the same machine, not out of a dedicated server.");
        md.AppendLine();
        Paragraph(md,
            "Closed loop: at each concurrency N, N workers send requests back to back, each the next as soon as the last is " +
            $"answered: {F(run.Options.WarmUp.TotalSeconds, "0.#")} s of warm-up (not recorded), then {F(run.Options.Duration.TotalSeconds, "0.#")} s. " +
            $"Before the first level, {F(JitWarmUp.TotalSeconds, "0")} s of moves at the highest concurrency go to the API and as many to the " +
            "floor, unrecorded, so that .NET's tiered JIT has compiled the hot paths of both. " +
            "Every request sent in that window is recorded, its latency timed with `Stopwatch` from sending to the whole " +
            "answer read; requests/s is their number over the time from the window's start to its last answer. The four " +
            "cases take turns at each level, so drift affects all alike. Every request must answer 2xx: any other status " +
            "fails the run, so there are no errors to report.");
        md.AppendLine();
        DescribeCases(md, run);
        md.AppendLine();
        Paragraph(md,
            "CPU is read from `/proc/<pid>/stat` at the window's start and end: the API process, the PostgreSQL server with " +
            "all its processes, and the bench, each over the requests recorded; \"cores busy\" is their sum over the window's " +
            "length (2 at most). It is the CPU these three used, whatever else ran on the machine. It includes what each " +
            "process does when idle (timers, the daemon's polling, spinning thread pools), which dominates at low request " +
            "rates: read it at 8 and above.");
        md.AppendLine();
        ResultsTable(md, run);
        md.AppendLine();
        RatiosTable(md, run);
        return md.ToString();
    }

    private static void DescribeCases(StringBuilder md, HttpRun run)
    {
        Paragraph(md,
            "- **moves:** `POST /sessions/{id}/moves` with one move (`{\"moves\":[\"down\"]}`) and the session's bearer token, " +
            "without `If-Match` or `Idempotency-Key` (both optional). Before measuring, the bench starts " +
            $"{run.Options.Sessions} sessions over HTTP with open seeds and plays them with its own copy of the engine: each move " +
            "is the first of down, left, right, up that moves a tile, so every move is accepted. A worker takes a session " +
            "from the pool for one request and puts it back after the answer, so no two requests in flight share a stream. " +
            "A game that ends leaves the pool and is replaced by a new session before the next run of moves, outside the " +
            "timed window. After each run of moves the bench waits until the async daemon has processed every event " +
            $"(at most {F(run.LongestCatchUp.TotalSeconds, "F1")} s in this run), so its work does not slow the next case. " +
            "At the end, every session's board, move count and status on the server are checked against the client's engine " +
            $"({run.Sessions:N0} sessions, {run.GamesOver:N0} of them played to game over; all match).");
        Paragraph(md,
            "- **floor:** the same move, to the same sessions of the pool, sent to `bench/EventApi.Floor`: a process of its own " +
            "that does the move as this schema allows at the least cost, over Npgsql by hand. One `SELECT` reads the inline " +
            "view, the stream's version and the access record; the product's decider decides; one statement checks and bumps " +
            "the stream's version, inserts the events, rewrites the view and sends the live notification, all or nothing. " +
            "The same rows, the same JSON and the same answer as the product (the final check covers its moves too), with the " +
            "same async daemon running in the API process; no idempotency, `If-Match`, failed-token counter or problem " +
            "details. A measuring stick, not a product path. Its CPU is the floor's process and the API's (whose daemon " +
            "projects its events).");
        Paragraph(md,
            "- **raw INSERT:** each worker has a connection of its own from an `NpgsqlDataSource` and a stream of its own, and " +
            "sends one single-row `INSERT` (stream id, version, type and the JSON as `jsonb`, into a table with a unique " +
            "(stream, version)) in autocommit: one statement, one transaction and one round trip a row. The JSON is a " +
            $"`TilesMoved` as the API stored it in this run's warm-up, the median-sized one: {run.Payload.Bytes} bytes as " +
            "`jsonb` text. A move writes more than that row (the stream's version and the inline `SessionView` as well); " +
            "that difference is part of what the ratio measures.");
        Paragraph(md,
            $"- **trivial GET:** `GET {Workers.TrivialGetPath}` on the same API process: the cheapest endpoint, which runs no health " +
            "check and reads no database.");
    }

    private static void ResultsTable(StringBuilder md, HttpRun run)
    {
        md.AppendLine("| concurrency | case | requests/s | p50 | p95 | p99 | CPU a request: API | PostgreSQL | bench | cores busy |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in run.Results)
        {
            md.AppendLine(
                $"| {r.Concurrency} | {r.Case} | {F(r.RequestsPerSecond, "N0")} | {F(r.P50, "F2")} ms | {F(r.P95, "F2")} ms | " +
                $"{F(r.P99, "F2")} ms | {Ms(r.CpuPerRequest.Api)} ms | {Ms(r.CpuPerRequest.Postgres)} ms | " +
                $"{Ms(r.CpuPerRequest.Bench)} ms | {F(r.CoresBusy, "F2")} |");
        }
    }

    private static void RatiosTable(StringBuilder md, HttpRun run)
    {
        md.AppendLine("| concurrency | moves / floor | moves / raw INSERT | moves / trivial GET | targets | met |");
        md.AppendLine("|---:|---:|---:|---:|---|---|");
        foreach (var concurrency in run.Options.Concurrency)
        {
            var (floor, insert) = (run.Ratio(concurrency, Moves, Floor), run.Ratio(concurrency, Moves, RawInsert));
            var target = concurrency == TargetConcurrency
                ? $"floor ≥ {F(FloorTarget, "0.0#")}, INSERT ≥ {F(InsertTarget, "0.0#")} | {Yes(floor >= FloorTarget)}, {Yes(insert >= InsertTarget)}"
                : " | ";
            md.AppendLine($"| {concurrency} | {F(floor, "F2")} | {F(insert, "F2")} | {F(run.Ratio(concurrency, Moves, TrivialGet), "F2")} | {target} |");
        }

        if (!run.Options.Concurrency.Contains(TargetConcurrency))
        {
            md.AppendLine();
            md.AppendLine($"The target is set at concurrency {TargetConcurrency}, which this run did not measure.");
        }
    }

    private static string Ms(TimeSpan? time) => time is { } t ? F(t.TotalMilliseconds, "F2") : "n/a";
}
