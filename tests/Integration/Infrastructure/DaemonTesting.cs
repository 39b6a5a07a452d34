using System.Net;
using System.Text.Json;
using EventApi.Domain.Game;
using EventApi.Domain.Sessions;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;

namespace EventApi.Integration.Infrastructure;

/// <summary>Plays games and waits for the async daemon, with Marten's and JasperFx's own helpers.</summary>
public static class DaemonTesting
{
    /// <summary>How long a test waits for the daemon before it fails.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static readonly string[] Names = ["up", "right", "down", "left"];

    /// <summary>Waits until every async shard has reached the store's last event (Marten's test helper).</summary>
    public static Task WaitForProjectionsAsync(this ApiFactory api) => api.Store.WaitForNonStaleProjectionDataAsync(Patience);

    public static IProjectionDaemon ProjectionDaemon(this ApiFactory api) =>
        api.Services.GetRequiredService<IProjectionCoordinator>().DaemonForMainDatabase();

    /// <summary>Waits until this host's daemon runs the shard (hot/cold: it takes the shard's lock a moment after the
    /// host starts), so that a rebuild sent to this host is not refused as running elsewhere.</summary>
    public static Task WaitForShardRunningHereAsync(this ApiFactory api, string shard) =>
        api.ProjectionDaemon().WaitForShardToBeRunning(shard, Patience);

    /// <summary>Plays <paramref name="moves"/> real moves (the client runs the same engine) and, when
    /// <paramref name="abandon"/>, abandons the session. Returns the session and the moves played.</summary>
    public static async Task<(Guid Id, int Moves)> PlayAsync(this HttpClient client, string player, uint seed, int moves, bool abandon = true)
    {
        var started = await client.StartAsync(player, seed);
        var game = Engine.Start(seed, out _, out _);
        var played = new List<string>();
        var random = new Random((int)seed);
        while (played.Count < moves && !game.Over)
        {
            var direction = (Direction)random.Next(4);
            if (Engine.TryMove(ref game, direction, [], out _)) played.Add(Names[(int)direction]);
        }

        if (played.Count > 0) await client.MoveOkAsync(started.Id, started.Token, [.. played]);
        if (abandon)
        {
            using var response = await client.AbandonAsync(started.Id, started.Token);
            response.EnsureSuccessStatusCode();
        }

        return (started.Id, played.Count);
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
