using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EventApi.Bench.Harness;
using EventApi.Domain.Game;
using Npgsql;
using static EventApi.Bench.Harness.Report;

namespace EventApi.Bench.Modes.Storage;

/// <summary>
/// What a game leaves in PostgreSQL. Plays <c>--games</c> short games over HTTP (a session started with a webhook
/// callback, <c>--moves</c> moves in two requests, then abandoned; every POST with an <c>Idempotency-Key</c>), waits
/// for the daemon and the webhooks, and measures every table (<c>VACUUM FULL</c> first, so dead rows do not count),
/// with the API stopped, per game. Then starts the API again as it runs once time has passed: side effects past a 1 ms retention, finished
/// sessions archived at once, Wolverine's inbox emptied of handled wake-ups. It measures again: what stays for good.
/// With <c>--before</c>, an earlier build (its <c>EventApi.Api.dll</c>) goes through the same, on a database of its own,
/// first.
/// </summary>
public static class StorageBenchmarks
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    /// <summary>Every table's size (indexes and TOAST included) before the first game, after the games, and later.</summary>
    private sealed record Sizes(Dictionary<string, long> Empty, Dictionary<string, long> Played, Dictionary<string, long> Later);

    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var options = StorageArguments.Parse(args);
        if (options is null) return 2;

        Sizes? before = null;
        if (options.Before is not null)
        {
            Console.WriteLine($"The earlier build: {options.Before}");
            await using var earlier = await BenchDatabase.CreateAsync(options.Connection, "storage_before");
            before = await MeasureAsync(earlier, options, options.Before);
        }

        await using var database = await BenchDatabase.CreateAsync(options.Connection, "storage");
        var now = await MeasureAsync(database, options, assembly: null);

        var markdown = Render(options, database, before, now);
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (options.Markdown is not null) WriteSection(options.Markdown, "storage", markdown);
        return 0;
    }

    private static async Task<Sizes> MeasureAsync(BenchDatabase database, StorageArguments options, string? assembly)
    {
        await using var sink = await WebhookSink.StartAsync();
        // Each measure is taken with the API stopped: a transaction it keeps open (an earlier build held the daemon's lock
        // in one) would keep VACUUM FULL from removing the dead rows, which a running store reuses.
        // Archiving on (off by default), for what a store that archives keeps; an earlier build ignores the setting.
        var archiving = new Dictionary<string, string> { ["EventApi:Archiving:Enabled"] = "true" };
        await using (await ApiHost.StartAsync(database.ConnectionString, archiving, assembly: assembly))
        {
        }

        var empty = await TablesAsync(database);
        await using (var api = await ApiHost.StartAsync(database.ConnectionString, archiving, assembly: assembly))
        {
            using var client = api.CreateClient();
            Console.WriteLine($"API on {api.Address} (pid {api.ProcessId}): {options.Games} games of {options.Moves} moves.");
            await PlayAsync(client, sink.Url, options);
            await WaitAsync(() => Task.FromResult(sink.Count >= options.Games), "every game's webhook");
            await WaitAsync(async () => await database.EventsBehindAsync() <= 0, "the async projections");
        }

        var played = await TablesAsync(database);

        var swept = new Dictionary<string, string>(archiving)
        {
            ["EventApi:SideEffects:Retention"] = "00:00:00.001",
            ["EventApi:SideEffects:SweepInterval"] = "00:00:01",
            ["EventApi:Archiving:After"] = "00:00:00",
            ["EventApi:Archiving:Interval"] = "00:00:01",
            ["EventApi:Archiving:BatchSize"] = "10000",
        };
        await using (await ApiHost.StartAsync(database.ConnectionString, swept, assembly: assembly))
        {
            await WaitAsync(async () => await SettledAsync(database, sweeps: assembly is null), "the sweeps (side effects past retention, sessions archived, the inbox)", 600);
        }

        return new Sizes(empty, played, await TablesAsync(database));
    }

    private static async Task PlayAsync(HttpClient client, Uri callback, StorageArguments options)
    {
        var next = 0;
        var failures = 0;
        await Task.WhenAll(Enumerable.Range(0, options.Workers).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) is var game && game <= options.Games)
            {
                if (!await PlayOneAsync(client, callback, (uint)game, options.Moves)) Interlocked.Increment(ref failures);
            }
        }));
        if (failures > 0) throw new InvalidOperationException($"{failures} of {options.Games} games failed.");
    }

    private static async Task<bool> PlayOneAsync(HttpClient client, Uri callback, uint seed, int moves)
    {
        using var start = Keyed(HttpMethod.Post, "/sessions", null);
        start.Content = JsonContent.Create(new { player = $"p{seed % 100}", seed, callbackUrl = callback.ToString() }, options: Json);
        using var started = await client.SendAsync(start);
        if (started.StatusCode != HttpStatusCode.Created) return false;
        var session = await started.Content.ReadFromJsonAsync<JsonElement>(Json);
        var id = session.GetProperty("id").GetGuid();
        var token = session.GetProperty("token").GetString()!;

        var game = Engine.Start(seed, out _, out _);
        var random = new Random((int)seed);
        var directions = new List<string>();
        while (directions.Count < moves && !game.Over)
        {
            var direction = (Direction)random.Next(4);
            if (Engine.TryMove(ref game, direction, [], out _)) directions.Add(direction.ToString().ToLowerInvariant());
        }

        foreach (var half in directions.Chunk(Math.Max(1, (directions.Count + 1) / 2)))
        {
            using var move = Keyed(HttpMethod.Post, $"/sessions/{id}/moves", token);
            move.Content = JsonContent.Create(new { moves = half }, options: Json);
            using var moved = await client.SendAsync(move);
            if (moved.StatusCode != HttpStatusCode.OK) return false;
        }

        if (game.Over) return true;
        using var abandon = new HttpRequestMessage(HttpMethod.Post, $"/sessions/{id}/abandon");
        abandon.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var abandoned = await client.SendAsync(abandon);
        return abandoned.StatusCode == HttpStatusCode.OK;
    }

    private static HttpRequestMessage Keyed(HttpMethod method, string path, string? token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Idempotency-Key", Guid.NewGuid().ToString());
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static async Task WaitAsync(Func<Task<bool>> fact, string what, int seconds = 300)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await fact())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited {seconds} s for {what}.");
            await Task.Delay(250);
        }
    }

    /// <summary>Wolverine's inbox emptied of the handled wake-ups, and, for this build (<paramref name="sweeps"/>), no
    /// side effect finished and still kept and no finished session left in the live partitions. An earlier build may
    /// have neither the retention nor the archive, and would never get there.</summary>
    private static async Task<bool> SettledAsync(BenchDatabase database, bool sweeps) =>
        await ScalarAsync<bool>(database,
            "select (select count(*) from wolverine_incoming_envelopes) = 0" + (sweeps
                ? " and (select count(*) from mt_doc_sideeffect where data ->> 'status' in ('delivered', 'discarded')) = 0" +
                  " and (select count(*) from mt_streams where is_archived = false) = 0"
                : ""));

    private static async Task<T> ScalarAsync<T>(BenchDatabase database, string sql)
    {
        await using var command = database.Raw.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Every table's size with its indexes and TOAST, after <c>VACUUM FULL</c>, by table.</summary>
    private static async Task<Dictionary<string, long>> TablesAsync(BenchDatabase database)
    {
        await BenchDatabase.ExecuteAsync(database.Raw, "VACUUM FULL");
        var sizes = new Dictionary<string, long>();
        await using var command = database.Raw.CreateCommand(
            "select c.relname, pg_total_relation_size(c.oid) from pg_class c join pg_namespace n on n.oid = c.relnamespace " +
            "where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) sizes[reader.GetString(0)] = reader.GetInt64(1);
        return sizes;
    }

    private static string Render(StorageArguments options, BenchDatabase database, Sizes? before, Sizes now)
    {
        var md = BeginSection("Storage", database, "scripts/bench.sh storage");
        Paragraph(md,
            $"{options.Games:N0} games over HTTP, {options.Workers} at a time: each a session started with a webhook callback, " +
            $"{options.Moves} moves in two requests, then abandoned (a game that ended sooner is over); every POST carries an " +
            "`Idempotency-Key`. Sizes are `pg_total_relation_size` (indexes and TOAST included) after `VACUUM FULL` with the API " +
            "stopped (so that no open transaction keeps a dead row), less the " +
            "table's size before the first game (an empty table's pages), per game. The API runs with archiving on (`EventApi:Archiving:Enabled`). *After the games*: once the webhooks are " +
            "delivered and the projections have caught up. *Later*: the API started again with a side-effects retention of " +
            "1 ms and archiving at once, after its sweeps and once Wolverine's inbox has let go of the handled wake-ups: what a " +
            "store keeps for good once the retention windows have passed (idempotency records expire after 48 h, which this " +
            "run does not wait for)." +
            (before is null ? "" : $" *Before*: the build of commit `{Commit(Path.GetDirectoryName(options.Before))}`, the same way, on a database of its own."));
        md.AppendLine();
        var columns = before is null
            ? new (string Name, Sizes Sizes, Func<Sizes, Dictionary<string, long>> Pick)[]
            {
                ("After the games", now, s => s.Played), ("Later", now, s => s.Later),
            }
            :
            [
                ("Before: after the games", before, s => s.Played), ("Before: later", before, s => s.Later),
                ("Now: after the games", now, s => s.Played), ("Now: later", now, s => s.Later),
            ];
        double Per(Sizes sizes, Dictionary<string, long> measured, string table) =>
            (measured.GetValueOrDefault(table) - sizes.Empty.GetValueOrDefault(table)) / (double)options.Games;

        md.AppendLine("| Table | " + string.Join(" | ", columns.Select(c => $"{c.Name}, B/game")) + " |");
        md.AppendLine("|---|" + string.Concat(columns.Select(_ => "---:|")));
        var tables = columns.SelectMany(c => c.Pick(c.Sizes).Keys).Distinct()
            .Select(t => (Table: t, Largest: columns.Max(c => Math.Abs(Per(c.Sizes, c.Pick(c.Sizes), t)))))
            .Where(t => t.Largest >= 8)
            .OrderByDescending(t => t.Largest);
        foreach (var (table, _) in tables)
            md.AppendLine($"| `{table}` | " + string.Join(" | ", columns.Select(c => F(Per(c.Sizes, c.Pick(c.Sizes), table), "N0"))) + " |");
        md.AppendLine("| **all tables, KiB/game** | " + string.Join(" | ", columns.Select(c =>
            $"**{F((c.Pick(c.Sizes).Values.Sum() - c.Sizes.Empty.Values.Sum()) / (double)options.Games / 1024, "N1")}**")) + " |");
        md.AppendLine();
        md.AppendLine("Tables that changed by less than 8 B a game in every column are left out of the rows, not out of the total.");
        return md.ToString();
    }
}
