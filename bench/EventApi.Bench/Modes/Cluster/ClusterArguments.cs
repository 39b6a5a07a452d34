using System.Globalization;
using EventApi.Bench.Harness;

namespace EventApi.Bench.Modes.Cluster;

/// <summary>The cluster mode's command-line options and their defaults.</summary>
internal sealed record ClusterArguments(
    string Connection,
    int[] Nodes,
    double Rate,
    double Duration,
    double Warmup,
    int Rounds,
    IReadOnlyDictionary<string, string> Settings,
    string? Markdown)
{
    public static ClusterArguments? Parse(string[] args)
    {
        var connection = BenchArguments.DefaultServer;
        int[] nodes = [2, 3];
        var rate = 200.0;
        // The measured phase (its first 10 s not counted), after a warm-up at half the rate.
        var duration = 60.0;
        var warmup = 45.0;
        var rounds = 6;
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        string? markdown = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--connection": connection = value; i++; break;
                case "--nodes": nodes = BenchArguments.Integers(value!); i++; break;
                case "--rate": rate = double.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--duration": duration = double.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--warmup": warmup = double.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--rounds": rounds = int.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--set" when value?.Split('=', 2) is [var key, var setting]:
                    settings[key] = setting;
                    i++;
                    break;
                case "--markdown": markdown = value; i++; break;
                default:
                    Console.Error.WriteLine(
                        "usage: cluster [--connection <npgsql connection string>] [--nodes 2,3] [--rate 200] [--duration 60] [--warmup 45] " +
                        "[--rounds 6] [--set <configuration key>=<value>]... [--markdown docs/benchmarks.md]");
                    return null;
            }
        }

        if (!BenchArguments.HasServer(connection) || nodes.Length == 0 || nodes.Any(n => n is < 2 or > 8) || rate <= 0 ||
            duration <= 10 || warmup < 0 || rounds < 0)
        {
            Console.Error.WriteLine("cluster: --nodes from 2 to 8, a positive rate, a duration over 10 s, rounds from 0 (no failover).");
            return null;
        }

        return new ClusterArguments(connection!, nodes, rate, duration, warmup, rounds, settings, markdown);
    }
}
