using System.Globalization;
using EventApi.Bench.Harness;

namespace EventApi.Bench.Modes.Store;

/// <summary>The store mode's command-line options and their defaults.</summary>
internal sealed record StoreArguments(
    string Connection,
    int AppendEvents,
    int Rounds,
    int[] StreamSizes,
    string? Markdown)
{
    public static StoreArguments? Parse(string[] args)
    {
        var connection = BenchArguments.DefaultServer;
        var appendEvents = 3000;
        var rounds = 3;
        int[] sizes = [100, 1_000, 10_000, 100_000];
        string? markdown = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--connection": connection = value; i++; break;
                case "--events": appendEvents = int.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--rounds": rounds = int.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--streams":
                    sizes = BenchArguments.Integers(value!);
                    i++;
                    break;
                case "--markdown": markdown = value; i++; break;
                default:
                    Console.Error.WriteLine(
                        "usage: store [--connection <npgsql connection string>] [--events 3000] [--rounds 3] " +
                        "[--streams 100,1000,10000,100000] [--markdown docs/benchmarks.md]");
                    return null;
            }
        }

        if (!BenchArguments.HasServer(connection)) return null;

        return new StoreArguments(connection, appendEvents, rounds, sizes, markdown);
    }
}
