using System.Net.Http.Json;
using System.Text.Json;
using EventApi.Bench.Harness;

namespace EventApi.Bench.Modes.Cluster;

/// <summary>API processes on one database, sharing their secrets, and what GET /admin/projections says of them.</summary>
internal sealed class Nodes(string connectionString, IReadOnlyDictionary<string, string> settings) : IAsyncDisposable
{
    private readonly Dictionary<string, string> _settings = new[] { ApiHost.ClusterSecrets(), settings }
        .SelectMany(d => d).ToDictionary(kv => kv.Key, kv => kv.Value);
    private readonly List<ApiHost> _all = [];
    private readonly Dictionary<ApiHost, HttpClient> _clients = [];

    public IReadOnlyList<ApiHost> All => _all;

    public async Task<ApiHost> StartAsync()
    {
        var host = await ApiHost.StartAsync(connectionString, _settings);
        _all.Add(host);
        _clients[host] = host.CreateClient(TimeSpan.FromSeconds(10));
        return host;
    }

    public HttpClient Client(ApiHost host) => _clients[host];

    /// <summary>A client that sends each request to the next node in turn.</summary>
    public HttpClient RoundRobinClient() => new(new RoundRobin([.. _all.Select(h => h.Address)]))
    {
        BaseAddress = _all[0].Address,
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>Removes a node that was killed or stopped (its process is gone).</summary>
    public async Task RemoveAsync(ApiHost host)
    {
        _all.Remove(host);
        _clients.Remove(host, out var client);
        client?.Dispose();
        await host.DisposeAsync();
    }

    /// <summary>GET /admin/projections on <paramref name="host"/>: the node that answered, and each shard's node and
    /// whether it runs there.</summary>
    public async Task<Report> ReportAsync(ApiHost host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/projections");
        request.Headers.Add("X-Admin-Key", host.AdminKey);
        using var response = await _clients[host].SendAsync(request);
        response.EnsureSuccessStatusCode();
        var root = (await response.Content.ReadFromJsonAsync<JsonElement>());
        var shards = root.GetProperty("shards").EnumerateArray().Select(s => new Shard(
            s.GetProperty("name").GetString()!,
            s.GetProperty("node").ValueKind == JsonValueKind.Number ? s.GetProperty("node").GetInt32() : null,
            s.GetProperty("runningHere").GetBoolean() && s.GetProperty("status").GetString() == "running")).ToArray();
        return new Report(root.GetProperty("thisNode").GetInt32(), shards);
    }

    /// <summary>Waits until every shard runs on exactly one of the nodes, the one it is assigned to, and each node runs
    /// its share. Returns each node's report.</summary>
    public async Task<Dictionary<ApiHost, Report>> WaitForSpreadAsync(TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var reports = new Dictionary<ApiHost, Report>();
            foreach (var host in _all) reports[host] = await ReportAsync(host);
            var numbers = reports.Values.Select(r => r.ThisNode).ToHashSet();
            var owners = reports.Values.First().Shards.ToDictionary(s => s.Name, s => s.Node);
            var spread = owners.Values.All(o => o is { } n && numbers.Contains(n))
                         && numbers.All(n => owners.Values.Count(o => o == n) >= owners.Count / numbers.Count)
                         && reports.Values.All(r => r.Shards.All(s => s.RunningHere == (owners[s.Name] == r.ThisNode)));
            if (spread) return reports;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The shards were not spread over {_all.Count} nodes within {patience}.");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _all.ToArray()) await RemoveAsync(host);
    }

    public sealed record Shard(string Name, int? Node, bool RunningHere);

    public sealed record Report(int ThisNode, Shard[] Shards);

    private sealed class RoundRobin(Uri[] nodes) : DelegatingHandler(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseCookies = false,
    })
    {
        private int _next = -1;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var node = nodes[(int)((uint)Interlocked.Increment(ref _next) % nodes.Length)];
            request.RequestUri = new UriBuilder(request.RequestUri!) { Host = node.Host, Port = node.Port }.Uri;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
