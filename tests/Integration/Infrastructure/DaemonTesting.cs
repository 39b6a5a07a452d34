using System.Net;
using System.Text.Json;
using EventApi.Domain.Sessions;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;

namespace EventApi.Integration.Infrastructure;

/// <summary>The async daemon in tests: waits for it with Marten's and JasperFx's own helpers, and makes and reads its
/// failures.</summary>
public static class DaemonTesting
{
    /// <summary>How long a test waits for the daemon before it fails.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Waits until every async shard has reached the store's last event (Marten's test helper).</summary>
    public static Task WaitForProjectionsAsync(this ApiFactory api) => api.Store.WaitForNonStaleProjectionDataAsync(Patience);

    public static IProjectionDaemon ProjectionDaemon(this ApiFactory api) =>
        api.Services.GetRequiredService<IProjectionCoordinator>().DaemonForMainDatabase();

    /// <summary>Waits until this host's daemon runs the shard (hot/cold: it takes the shard's lock a moment after the
    /// host starts), so that a rebuild sent to this host is not refused as running elsewhere.</summary>
    public static Task WaitForShardRunningHereAsync(this ApiFactory api, string shard) =>
        api.ProjectionDaemon().WaitForShardToBeRunning(shard, Patience);

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
