using System.Net;
using System.Text.Json;
using EventApi.Domain.Sessions;
using EventApi.Api.Infrastructure.Cluster;
using EventApi.Api.Operations;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using IProjectionCoordinator = Marten.Events.Daemon.Coordination.IProjectionCoordinator;

namespace EventApi.Integration.Infrastructure;

/// <summary>The async daemon in tests: waits for it with Marten's and JasperFx's own helpers, and makes and reads its
/// failures.</summary>
public static class DaemonTesting
{
    /// <summary>How long a test waits for the daemon before it fails.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Waits until every async shard has reached the store's last event (Marten's test helper).</summary>
    public static Task WaitForProjectionsAsync(this ApiFactory api) => api.Store.WaitForNonStaleProjectionDataAsync(Patience);

    /// <summary>This host's daemon, once the cluster's leader (this host, alone on its database) has assigned it shards:
    /// a moment after the host starts.</summary>
    public static async Task<IProjectionDaemon> ProjectionDaemonAsync(this ApiFactory api)
    {
        var coordinator = api.Services.GetRequiredService<IProjectionCoordinator>();
        IProjectionDaemon? daemon = null;
        await WebhookReceiver.WaitUntilAsync(() => Task.FromResult((daemon = coordinator.RunningHere()) is not null),
            "this host to run the daemon", Patience);
        return daemon!;
    }

    /// <summary>Waits until this host's daemon runs the shard and the cluster's assignments say so, so that a rebuild sent
    /// to this host is not refused as running elsewhere.</summary>
    public static async Task WaitForShardRunningHereAsync(this ApiFactory api, string shard)
    {
        await (await api.ProjectionDaemonAsync()).WaitForShardToBeRunning(shard, Patience);
        var cluster = api.Services.GetRequiredService<ClusterMembership>();
        await WebhookReceiver.WaitUntilAsync(
            async () => (await cluster.ReadAsync(CancellationToken.None)).Any(n => n.Number == cluster.ThisNode && n.Shards.Contains(shard)),
            $"the cluster's assignments to give {shard} to this host", Patience);
    }

    /// <summary>The store's last event and each row of the daemon's progress, for a failure's message.</summary>
    public static Task<string> DescribeProgressAsync(this ApiFactory api)
    {
        var schema = api.Store.Options.Events.DatabaseSchemaName;
        return api.ScalarAsync<string>(
            $"select 'last event ' || coalesce((select max(seq_id) from {schema}.mt_events), 0) || '; ' || " +
            $"coalesce(string_agg(name || ' ' || last_seq_id, ', ' order by name), 'no progress') from {schema}.mt_event_progression");
    }

    /// <summary>Asserts that /health/ready is degraded (200) and names the shard among its reasons; returns the report.</summary>
    public static async Task<JsonElement> ReadinessShouldBeDegradedByAsync(this HttpClient client, string shard)
    {
        using var ready = await client.GetAsync("/health/ready");
        var body = await ready.Content.ReadAsStringAsync();
        ready.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        var report = JsonDocument.Parse(body).RootElement.Clone();
        report.GetProperty("status").GetString().ShouldBe("degraded");
        report.GetProperty("detail").GetString()!.ShouldContain(shard);
        return report;
    }

    /// <summary>
    /// Appends, straight through Marten, a GameOver whose highest tile (3) is not a power of two: the statistics
    /// projection throws on it (for the global and the day's document), the inline session view does not mind. Returns
    /// its sequence.
    /// </summary>
    public static async Task<long> AppendBogusGameOverAsync(this ApiFactory api, Guid session)
    {
        await using (var writer = api.Store.LightweightSession())
        {
            writer.Events.Append(session, new GameOver("p", 10, 3, 1, 1, null, DateTimeOffset.UtcNow));
            await writer.SaveChangesAsync();
        }

        await using var query = api.Store.QuerySession();
        var events = await query.Events.FetchStreamAsync(session);
        events[^1].Data.ShouldBeOfType<GameOver>().MaxTile.ShouldBe(3);
        return events[^1].Sequence;
    }
}
