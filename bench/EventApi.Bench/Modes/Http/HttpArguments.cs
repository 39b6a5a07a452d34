using System.Globalization;
using EventApi.Bench.Harness;

namespace EventApi.Bench.Modes.Http;

/// <summary>The http mode's command-line options and their defaults.</summary>
internal sealed record HttpArguments(
    string Connection,
    int[] Concurrency,
    TimeSpan Duration,
    TimeSpan WarmUp,
    int Sessions,
    string? Markdown)
{
    public static HttpArguments? Parse(string[] args)
    {
        var connection = BenchArguments.DefaultServer;
        int[] concurrency = [1, 8, 32, 64];
        var duration = 7.0;
        var warmUp = 1.0;
        var sessions = 1024;
        string? markdown = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--connection": connection = value; i++; break;
                case "--concurrency":
                    concurrency = BenchArguments.Integers(value!);
                    i++;
                    break;
                case "--duration": duration = double.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--warmup": warmUp = double.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--sessions": sessions = int.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--markdown": markdown = value; i++; break;
                default:
                    Console.Error.WriteLine(
                        "usage: http [--connection <npgsql connection string>] [--concurrency 1,8,32,64] " +
                        "[--duration <seconds a case a level> 7] [--warmup <seconds> 1] [--sessions 1024] " +
                        "[--markdown docs/benchmarks.md]");
                    return null;
            }
        }

        if (!BenchArguments.HasServer(connection) || !Valid(concurrency, duration, warmUp, sessions)) return null;

        return new HttpArguments(connection, concurrency, TimeSpan.FromSeconds(duration), TimeSpan.FromSeconds(warmUp), sessions, markdown);
    }

    private static bool Valid(int[] concurrency, double duration, double warmUp, int sessions)
    {
        if (concurrency.Length == 0 || concurrency.Any(c => c < 1) || duration <= 0 || warmUp < 0)
        {
            Console.Error.WriteLine("--concurrency needs levels of at least 1, --duration a positive and --warmup a non-negative number of seconds.");
            return false;
        }

        // Every worker needs a session of its own, and a game that ends leaves the pool until the next top-up.
        if (sessions < 2 * concurrency.Max())
        {
            Console.Error.WriteLine($"--sessions must be at least twice the highest concurrency ({2 * concurrency.Max()}).");
            return false;
        }

        return true;
    }
}
