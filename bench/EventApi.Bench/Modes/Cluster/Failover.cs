using System.Diagnostics;
using EventApi.Bench.Harness;
using EventApi.Bench.Modes.SideEffects;

namespace EventApi.Bench.Modes.Cluster;

/// <summary>One hand-over: how long after the kill (or stop) the surviving node ran every shard, and the webhook of a
/// game that ended just after it arrived.</summary>
internal sealed record Takeover(string Kind, double Seconds, double? WebhookSeconds, double? VictimAge);

/// <summary>
/// Two nodes; each round: SIGKILL of the node that runs the side-effects shard (steady state), SIGKILL of a node in its
/// first seconds (just after the leader assigned it shards), and SIGTERM of the node that runs the side-effects shard.
/// Each time, the time until the other node runs every shard (GET /admin/projections polled every 50 ms), and the
/// webhook of a game played through it right after: from the kill to the webhook's arrival. A new node replaces the
/// one gone before the next step.
/// </summary>
internal static class Failover
{
    public const string Killed = "SIGKILL, steady state";
    public const string KilledYoung = "SIGKILL, node in its first seconds";
    public const string Stopped = "SIGTERM";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    public static async Task<List<Takeover>> MeasureAsync(string connectionString, IReadOnlyDictionary<string, string> settings, WebhookSink sink, int rounds)
    {
        await using var nodes = new Nodes(connectionString, settings);
        await nodes.StartAsync();
        await nodes.StartAsync();
        var results = new List<Takeover>();
        for (var round = 1; round <= rounds; round++)
        {
            var reports = await nodes.WaitForSpreadAsync(Patience);
            results.Add(await HandOverAsync(nodes, sink, OwnerOfSideEffects(reports), Killed, null));

            var young = await nodes.StartAsync();
            var age = Stopwatch.StartNew();
            while ((await nodes.ReportAsync(young)).Shards.All(s => !s.RunningHere))
            {
                if (age.Elapsed > Patience) throw new TimeoutException("The new node was given no shard.");
                await Task.Delay(20);
            }

            results.Add(await HandOverAsync(nodes, sink, young, KilledYoung, age.Elapsed.TotalSeconds));
            await nodes.StartAsync();

            reports = await nodes.WaitForSpreadAsync(Patience);
            results.Add(await HandOverAsync(nodes, sink, OwnerOfSideEffects(reports), Stopped, null));
            await nodes.StartAsync();
            Console.WriteLine($"  round {round}: {string.Join("; ", results.TakeLast(3).Select(r => $"{r.Kind} {r.Seconds:F2} s (webhook {r.WebhookSeconds:F2} s)"))}");
        }

        return results;
    }

    private static ApiHost OwnerOfSideEffects(Dictionary<ApiHost, Nodes.Report> reports) =>
        reports.Single(r => r.Value.Shards.Any(s => s.Name == "side-effects:All" && s.RunningHere)).Key;

    /// <summary>Kills or stops <paramref name="victim"/>; measures the other node's takeover and a webhook's arrival.</summary>
    private static async Task<Takeover> HandOverAsync(Nodes nodes, WebhookSink sink, ApiHost victim, string kind, double? victimAge)
    {
        var survivor = nodes.All.Single(n => n != victim);
        var since = Stopwatch.StartNew();
        var killedAt = DateTimeOffset.UtcNow;
        var gone = kind == Stopped ? victim.StopAsync(TimeSpan.FromSeconds(30)) : victim.KillAsync();
        if (kind != Stopped) await gone;
        var game = await Games.PlayAsync(nodes.Client(survivor), sink.Url, seed: 1, due: 0, Stopwatch.StartNew());

        double? takeover = null;
        while (takeover is null)
        {
            if ((await nodes.ReportAsync(survivor)).Shards.All(s => s.RunningHere)) takeover = since.Elapsed.TotalSeconds;
            else if (since.Elapsed > Patience) throw new TimeoutException($"{kind}: the surviving node did not run every shard within {Patience}.");
            else await Task.Delay(50);
        }

        double? webhook = null;
        while (game.Finished && webhook is null && since.Elapsed < Patience)
        {
            if (sink.BySession().TryGetValue(game.Id, out var received)) webhook = (received.At - killedAt).TotalSeconds;
            else await Task.Delay(20);
        }

        await gone;
        await nodes.RemoveAsync(victim);
        return new Takeover(kind, takeover.Value, webhook, victimAge);
    }
}
