using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventApi.Integration.Infrastructure;
using EventApi.Integration.SideEffects;
using Xunit.Abstractions;

namespace EventApi.Integration.Cluster;

/// <summary>
/// Several API processes on one database: the leader spreads the async shards over them, each runs exactly its own, a
/// node killed outright or stopped has its shards taken over, and what the shards produce (statistics, webhooks,
/// achievements) stays exact across the move.
/// </summary>
[Collection(Name)]
public sealed class ClusterTests(ITestOutputHelper output)
{
    public const string Name = "several api processes";

    private static readonly string[] Projections = ["leaderboard", "player-statistics", "session-timeline", "statistics"];

    [Fact]
    public async Task the_shards_are_spread_over_the_nodes_and_each_runs_on_exactly_one()
    {
        await using var nodes = await Nodes.StartAsync(await PostgresServer.CreateDatabaseAsync("eventapi_cluster_spread"), 3);

        var (numbers, report) = await Nodes.WaitForSpreadAsync(nodes.All);

        numbers.Distinct().Count().ShouldBe(3);
        Nodes.Alive(report).Order().ShouldBe(numbers.Order());
        report.GetProperty("nodes").EnumerateArray().Count(n => n.GetProperty("leader").GetBoolean()).ShouldBe(1);
        var owners = Nodes.Owners(report);
        foreach (var number in numbers) owners.Values.ShouldContain(number);
        // Each node lists the shards it runs, and they are the ones the shards name.
        foreach (var node in report.GetProperty("nodes").EnumerateArray())
        {
            node.GetProperty("shards").EnumerateArray().Select(s => s.GetString()!).Order()
                .ShouldBe(owners.Where(o => o.Value == node.GetProperty("number").GetInt32()).Select(o => o.Key).Order());
        }
    }

    [Fact]
    public async Task a_rebuild_asked_of_a_node_that_does_not_run_the_projection_names_the_node_that_does_which_rebuilds_it()
    {
        await using var nodes = await Nodes.StartAsync(await PostgresServer.CreateDatabaseAsync("eventapi_cluster_rebuild"), 2);
        await nodes.All[0].Client.PlayedSessionAsync("alice", 1, randomSeed: 1, maxMoves: 20);
        var (numbers, report) = await Nodes.WaitForSpreadAsync(nodes.All);

        var shard = report.GetProperty("shards").EnumerateArray().First(s => Projections.Contains(s.GetProperty("projection").GetString()));
        var projection = shard.GetProperty("projection").GetString()!;
        var owner = shard.GetProperty("node").GetInt32();
        var runs = nodes.All[Array.IndexOf(numbers, owner)];
        var other = nodes.All[Array.IndexOf(numbers, numbers.Single(n => n != owner))];

        using var refused = await other.Client.SendAdminAsync(HttpMethod.Post, $"/admin/projections/{projection}/rebuild");
        var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.Conflict, "urn:eventapi:problem:projection-runs-elsewhere");
        problem.Detail!.ShouldContain($"node {owner}");

        var rebuilt = await runs.Client.RebuildAsync(projection);
        rebuilt.GetProperty("projection").GetString().ShouldBe(projection);
    }

    [Fact]
    public async Task when_the_node_running_the_side_effects_is_killed_another_takes_its_shards_and_every_webhook_still_arrives_in_order()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var url = receiver.UrlFor("cluster");
        await using var nodes = await Nodes.StartAsync(await PostgresServer.CreateDatabaseAsync("eventapi_cluster_kill"), 2,
            ("EventApi:SideEffects:RetryBaseDelay", "00:00:00.200"), ("EventApi:SideEffects:RetryMaxDelay", "00:00:01"),
            ("EventApi:SideEffects:SweepInterval", "00:00:02"));
        var (numbers, report) = await Nodes.WaitForSpreadAsync(nodes.All);

        // Games through both nodes by the same player (achievements are per player and tile): played to their end, and
        // played to 512 and abandoned (its milestone is an achievement and a webhook).
        var sessions = new List<Guid>();
        for (var i = 0; i < 4; i++)
            sessions.Add((await nodes.All[i % 2].Client.PlayedSessionAsync("pat", (uint)(10 + i), randomSeed: 10 + i, batch: 40, callbackUrl: url)).Started.Id);
        foreach (var node in nodes.All) sessions.Add((await node.Client.SessionThatReached512Async("pat", url)).Id);

        var victim = Array.IndexOf(numbers, Nodes.Owners(report)["side-effects:All"]);
        var survivor = nodes.All[1 - victim];
        await nodes.All[victim].KillAsync();
        var killedAt = Stopwatch.StartNew();
        await WebhookReceiver.WaitUntilAsync(async () =>
        {
            var now = await Nodes.ProjectionsAsync(survivor);
            return now.GetProperty("shards").EnumerateArray().All(s => s.GetProperty("runningHere").GetBoolean() &&
                                                                       s.GetProperty("status").GetString() == "running");
        }, "the survivor to run every shard", Nodes.Patience);
        output.WriteLine($"The survivor ran every shard {killedAt.Elapsed.TotalSeconds:0.0} s after the kill.");

        for (var i = 4; i < 6; i++)
            sessions.Add((await survivor.Client.PlayedSessionAsync("pat", (uint)(10 + i), randomSeed: 10 + i, batch: 40, callbackUrl: url)).Started.Id);
        sessions.Add((await survivor.Client.SessionThatReached512Async("pat", url)).Id);

        var expected = new Dictionary<Guid, long[]>();
        foreach (var session in sessions)
            expected[session] = (await survivor.Client.WebhookEventsAsync(session)).Select(e => e.GetProperty("version").GetInt64()).ToArray();

        await WebhookReceiver.WaitUntilAsync(
            () => expected.All(s => s.Value.All(v => receiver.Delivered("cluster").Any(w => w.IdempotencyKey == $"{s.Key}:{v}"))),
            "every webhook of every game", Nodes.Patience);

        // At least once, in each session's order; a duplicate carries the same key and body.
        foreach (var (session, versions) in expected)
        {
            receiver.Delivered("cluster").Where(w => w.IdempotencyKey!.StartsWith($"{session}:", StringComparison.Ordinal))
                .Select(w => long.Parse(w.IdempotencyKey![(w.IdempotencyKey!.IndexOf(':') + 1)..])).ShouldBe(versions);
        }

        foreach (var deliveries in receiver.Requests("cluster").GroupBy(w => w.IdempotencyKey))
            deliveries.Select(w => w.Body).Distinct().Count().ShouldBe(1);

        // One achievement per tile the player reached, whichever node recorded it.
        var tiles = new HashSet<int>();
        foreach (var session in sessions)
        {
            foreach (var e in await survivor.Client.GetEventsAsync(session))
            {
                if (e.GetProperty("type").GetString() == "milestone_reached")
                    tiles.Add(e.GetProperty("data").GetProperty("tile").GetInt32());
            }
        }

        tiles.ShouldContain(512);
        await WebhookReceiver.WaitUntilAsync(async () => (await survivor.Client.AchievementsAsync("pat")).GetArrayLength() >= tiles.Count,
            "every achievement", Nodes.Patience);
        (await survivor.Client.AchievementsAsync("pat")).EnumerateArray().Select(a => a.GetProperty("tile").GetInt32()).Order()
            .ShouldBe(tiles.Order());

        // The statistics counted every game once.
        await WebhookReceiver.WaitUntilAsync(async () => (await StatsAsync(survivor)).GetProperty("finishedGames").GetInt64() == sessions.Count,
            "the statistics to count every finished game", Nodes.Patience);
        var stats = await StatsAsync(survivor);
        stats.GetProperty("sessionsStarted").GetInt64().ShouldBe(sessions.Count);
        stats.GetProperty("sessionsAbandoned").GetInt64().ShouldBe(3);
    }

    [Fact]
    public async Task a_node_stopped_gracefully_hands_its_shards_over_and_no_request_in_flight_fails()
    {
        await using var nodes = await Nodes.StartAsync(await PostgresServer.CreateDatabaseAsync("eventapi_cluster_stop"), 2);
        var (numbers, _) = await Nodes.WaitForSpreadAsync(nodes.All);
        var (stopping, staying) = (nodes.All[0], nodes.All[1]);

        // Requests to the node that stops until it no longer takes any, and to the one that stays throughout.
        using var done = new CancellationTokenSource();
        var failures = new List<string>();
        var load = Task.WhenAll(Load(stopping, untilRefused: true), Load(staying, untilRefused: false));
        await stopping.StopAsync(TimeSpan.FromSeconds(30));
        await WebhookReceiver.WaitUntilAsync(async () =>
        {
            var now = await Nodes.ProjectionsAsync(staying);
            return now.GetProperty("shards").EnumerateArray().All(s => s.GetProperty("node").ValueKind == JsonValueKind.Number &&
                                                                       s.GetProperty("node").GetInt32() == numbers[1] &&
                                                                       s.GetProperty("runningHere").GetBoolean());
        }, "the node that stays to run every shard", Nodes.Patience);
        await done.CancelAsync();
        await load;
        failures.ShouldBeEmpty();

        async Task Load(ApiProcess node, bool untilRefused)
        {
            var i = 0;
            while (!done.IsCancellationRequested)
            {
                HttpResponseMessage response;
                try
                {
                    response = await node.Client.PostAsJsonAsync("/sessions", new { player = $"load{i++}", seed = 1 });
                }
                catch (HttpRequestException) when (untilRefused)
                {
                    // The stopped process no longer accepts connections: a request that never reached it.
                    return;
                }

                using (response)
                {
                    if (response.StatusCode == HttpStatusCode.Created) continue;
                    var failure = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                    lock (failures) failures.Add(failure);
                }
            }
        }
    }

    [Fact]
    public async Task the_api_refuses_to_start_when_the_node_timeout_is_shorter_than_two_heartbeats()
    {
        await using var api = new ApiProcess(ApiProcess.Settings(await PostgresServer.CreateDatabaseAsync("eventapi_cluster_settings"),
            ("EventApi:Cluster:HeartbeatInterval", "00:00:02"), ("EventApi:Cluster:NodeTimeout", "00:00:03")));

        var refused = await Should.ThrowAsync<InvalidOperationException>(() => api.StartAsync(Nodes.StartTimeout));

        // The console wraps long lines.
        refused.Message.ShouldContain("EventApi:Cluster:NodeTimeout must be");
        refused.Message.ShouldContain("twice HeartbeatInterval");
    }

    private static async Task<JsonElement> StatsAsync(ApiProcess node)
    {
        using var document = JsonDocument.Parse(await node.Client.GetStringAsync("/stats"));
        return document.RootElement.GetProperty("data").Clone();
    }
}
