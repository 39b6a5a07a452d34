using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EventApi.Bench.Harness;
using EventApi.Domain.Sessions;
using EventApi.Projections.Sessions;
using JasperFx;
using static EventApi.Bench.Modes.Daemon.DaemonArguments;

namespace EventApi.Bench.Modes.Daemon;

/// <summary>
/// Daemon catch-up and rebuilds, against a raw read of the same events in the same run. Creates its own database on
/// the server of the connection string (EVENTAPI_BENCH_PG or --connection) and drops it at the end.
/// <list type="number">
/// <item>Plays real sessions through <see cref="SessionDecider"/> (interleaved, as concurrent players make them) and
/// bulk-loads their events with Marten's <c>BulkInsertEventStreamAsync</c> and their inline <see cref="SessionView"/>s
/// with <c>BulkInsertDocumentsAsync</c>, into the schema the API created, while no API runs.</item>
/// <item>Baseline: a raw Npgsql read of every event in sequence order, deserialized with System.Text.Json.</item>
/// <item>Catch-up: starts the API (its Release build, as a process of its own) and polls <c>GET /admin/projections</c>
/// until every shard has reached the last sequence.</item>
/// <item>Rebuilds: <c>POST /admin/projections/{name}/rebuild</c> of each async projection, one after another.</item>
/// </list>
/// </summary>
public static class DaemonBenchmarks
{
    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var options = DaemonArguments.Parse(args);
        if (options is null) return 2;

        Console.WriteLine($"Daemon catch-up and rebuilds over {options.Events:N0} events (the issue's size: --events {IssueEvents}).");

        // The API derives the daily challenges' seeds from this secret, and so does the generator.
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var settings = new Dictionary<string, string> { ["EventApi:Challenges:Secret"] = secret };

        await using var database = await BenchDatabase.CreateAsync(options.Connection, "daemon");

        // The API's own start-up creates the schema (ApplyAllDatabaseChangesOnStartup); it stops before any event
        // exists, so its daemon has nothing to process and the catch-up below starts from zero.
        Console.WriteLine("Creating the schema by starting the API once.");
        await (await ApiHost.StartAsync(database.ConnectionString, settings)).DisposeAsync();

        // The bulk load's store: the API's serializer and event settings and the session views, on the API's schema.
        using var store = SessionStore.Create(database.ConnectionString, "public", sessionView: true, AutoCreate.None);
        var workload = Workload.Generate(store, options.Events, Encoding.UTF8.GetBytes(secret));
        var load = await Loading.LoadAsync(store, database, workload);
        var baseline = await Loading.BaselineAsync(database.Raw, SessionStore.TypesByName(store), workload.Events.Count, options.BaselineRounds);

        var (host, catchUp) = await CatchUp.MeasureAsync(database, settings, workload, load.LastSequence);
        await using var api = host;
        var rebuilds = options.SkipRebuild ? [] : await Rebuilds.MeasureAsync(api, load.LastSequence);

        var markdown = DaemonReport.Render(options, database, workload, load, baseline, catchUp, rebuilds);
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (options.Markdown is not null) Report.WriteSection(options.Markdown, "daemon", markdown);
        return 0;
    }
}
