using System.Globalization;
using EventApi.Bench.Harness;
using static EventApi.Bench.Modes.SideEffects.SideEffectsReport;

namespace EventApi.Bench.Modes.SideEffects;

/// <summary>
/// Side effects end to end: the API's Release build in its own process, a fast webhook receiver (<see cref="WebhookSink"/>)
/// in this one, and games played over HTTP, each started with the receiver as its callback URL and abandoned at once,
/// so that each finished game is one webhook (its <c>SessionAbandoned</c>). Creates its own database on the server of
/// the connection string (EVENTAPI_BENCH_PG or --connection) and drops it at the end.
/// <list type="bullet">
/// <item>Paced: games finish at a fixed rate (open loop: each game starts when it is due, whatever the others do) for
/// a duration; after a warm-up, the lag of each finished game's webhook, from the event's append timestamp (in its
/// body) to its arrival at the receiver.</item>
/// <item>Burst: games as fast as a few clients can finish them, and the rate at which their webhooks arrive, the
/// backlog included.</item>
/// </list>
/// </summary>
public static class SideEffectBenchmarks
{
    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var options = SideEffectsArguments.Parse(args);
        if (options is null) return 2;

        await using var database = await BenchDatabase.CreateAsync(options.Connection, "side-effects");
        await using var sink = await WebhookSink.StartAsync();
        await using var api = await ApiHost.StartAsync(database.ConnectionString, options.Settings);
        using var client = api.CreateClient();
        Console.WriteLine($"API on {api.Address} (pid {api.ProcessId}), receiver on {sink.Url}" +
                          (options.Settings.Count == 0 ? "; the API's default settings." : $"; settings: {Report.Settings(options.Settings)}."));

        var ready = await Games.FirstWebhookAsync(client, sink, options);
        if (ready is null) return 1;
        var paced = await Paced.MeasureAsync(client, sink, database, await CpuMeter.CreateAsync(database, api.ProcessId), options);
        var stages = await Paced.StagesAsync(database, paced.Measured.Select(g => g.Id).ToArray());
        var burst = await Burst.MeasureAsync(client, sink, options, firstIndex: paced.Games.Count + 1);
        var server = await ServerSummaryAsync(client, api.AdminKey);
        Console.WriteLine($"GET /admin/side-effects: {server}");
        if (api.Output.Length > 0) Console.WriteLine($"The API wrote:\n{api.Output}");

        var markdown = Render(options, database, ready.Value, paced, stages, burst, sink);
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (options.Markdown is not null) Report.WriteSection(options.Markdown, "side-effects", markdown);
        return 0;
    }

    private static async Task<string> ServerSummaryAsync(HttpClient client, string adminKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/side-effects");
        request.Headers.TryAddWithoutValidation("X-Admin-Key", adminKey);
        using var response = await client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }
}
