using System.Text.Json;
using EventApi.Integration.Infrastructure;

namespace EventApi.Integration.Cluster;

/// <summary>Several API processes on one database, each with the admin key, and what GET /admin/projections says of
/// them.</summary>
public sealed class Nodes : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    /// <summary>How long a test waits for the cluster to settle or take over. The bound itself (EventApi:Cluster:NodeTimeout
    /// plus a heartbeat, a few seconds) is measured by the benchmark; this is a deadline, not a wait.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private readonly List<ApiProcess> _all;

    private Nodes(List<ApiProcess> all) => _all = all;

    public IReadOnlyList<ApiProcess> All => _all;

    public static async Task<Nodes> StartAsync(string database, int count, params (string Key, string Value)[] settings)
    {
        var all = Enumerable.Range(0, count)
            .Select(_ => new ApiProcess(ApiProcess.Settings(database, [("EventApi:AdminKey", ApiFactory.AdminKey), .. settings])))
            .ToList();
        var nodes = new Nodes(all);
        try
        {
            foreach (var node in all) await node.StartAsync(StartTimeout);
        }
        catch
        {
            await nodes.DisposeAsync();
            throw;
        }

        return nodes;
    }

    /// <summary>GET /admin/projections on <paramref name="node"/>.</summary>
    public static Task<JsonElement> ProjectionsAsync(ApiProcess node) => node.Client.GetProjectionsAsync();

    /// <summary>The node number each shard is assigned to (null for none), as <paramref name="report"/> says.</summary>
    public static Dictionary<string, int?> Owners(JsonElement report) => report.GetProperty("shards").EnumerateArray()
        .ToDictionary(s => s.GetProperty("name").GetString()!,
            s => s.GetProperty("node").ValueKind == JsonValueKind.Null ? (int?)null : s.GetProperty("node").GetInt32());

    /// <summary>The numbers of the nodes <paramref name="report"/> lists as alive.</summary>
    public static int[] Alive(JsonElement report) => report.GetProperty("nodes").EnumerateArray()
        .Where(n => n.GetProperty("alive").GetBoolean()).Select(n => n.GetProperty("number").GetInt32()).ToArray();

    /// <summary>
    /// Waits until every shard is assigned to one of <paramref name="expected"/> processes, each of them runs a fair share
    /// (shard counts differ by at most one), and each process says it runs exactly the shards assigned to it. Returns
    /// the node number of each process, in order, and the last report.
    /// </summary>
    public static async Task<(int[] Numbers, JsonElement Report)> WaitForSpreadAsync(IReadOnlyList<ApiProcess> expected)
    {
        var numbers = new int[expected.Count];
        JsonElement report = default;
        await WebhookReceiver.WaitUntilAsync(async () =>
        {
            var reports = new List<JsonElement>();
            foreach (var node in expected) reports.Add(await ProjectionsAsync(node));
            for (var i = 0; i < expected.Count; i++) numbers[i] = reports[i].GetProperty("thisNode").GetInt32();
            report = reports[0];

            var owners = Owners(report);
            if (owners.Values.Any(o => o is null || !numbers.Contains(o.Value))) return false;
            var counts = numbers.Select(n => owners.Values.Count(o => o == n)).ToArray();
            if (counts.Max() - counts.Min() > 1) return false;
            // Each process runs what it was assigned, and nothing else.
            return reports.Select((r, i) => r.GetProperty("shards").EnumerateArray().All(s =>
                s.GetProperty("runningHere").GetBoolean() == (owners[s.GetProperty("name").GetString()!] == numbers[i]))).All(ok => ok);
        }, $"the shards to be spread over {expected.Count} nodes, each running its own", Patience);
        return (numbers, report);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _all) await node.DisposeAsync();
    }
}
