using System.Globalization;
using EventApi.Bench.Harness;
using EventApi.Domain.Sessions;

namespace EventApi.Bench.Modes.Store;

/// <summary>
/// The store measurements, each against its baseline in the same run, with Stopwatch-timed loops (warm-up, then
/// measured rounds; the median round is reported). Creates its own database on the server of the connection string
/// (EVENTAPI_BENCH_PG or --connection) and drops it at the end.
/// <list type="bullet">
/// <item>Appends: events/s through Marten at 1, 10 and 100 events a transaction, against a raw Npgsql single-row
/// INSERT (one transaction each) and a raw Npgsql binary COPY (100 rows a transaction) of the same JSON.</item>
/// <item>Time travel: <c>GET /sessions/{id}/replay?version=N</c> on the API's Release build (and
/// <c>AggregateStreamAsync&lt;SessionView&gt;</c> in process) against a raw SELECT of the stream's events plus
/// System.Text.Json and <see cref="SessionDecider.Fold"/>, on games played through the API.</item>
/// </list>
/// </summary>
public static class StoreBenchmarks
{
    public static async Task<int> RunAsync(string[] args)
    {
        // Figures in the report and the console read the same everywhere.
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var options = StoreArguments.Parse(args);
        if (options is null) return 2;

        await using var database = await BenchDatabase.CreateAsync(options.Connection, "store");
        var appends = await Appends.MeasureAsync(database, options);
        var travel = await TimeTravel.MeasureAsync(database, options);
        var markdown = StoreReport.Render(options, database, appends, travel);
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (options.Markdown is not null) Report.WriteSection(options.Markdown, "store", markdown);
        return 0;
    }
}
