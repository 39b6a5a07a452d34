using System.Globalization;
using EventApi.Bench.Harness;

namespace EventApi.Bench.Modes.SideEffects;

/// <summary>The side-effects mode's command-line options and their defaults.</summary>
internal sealed record SideEffectsArguments(
    string Connection,
    double Rate,
    double Duration,
    double Warmup,
    int Burst,
    int BurstClients,
    double DrainTimeout,
    IReadOnlyDictionary<string, string> Settings,
    string? Markdown)
{
    public static SideEffectsArguments? Parse(string[] args)
    {
        var connection = BenchArguments.DefaultServer;
        var rate = 200.0;
        // The warm-up lets the runtime's tiered JIT settle on the API's paths: 10 to 20 s after its start, a quarter of the
        // API's CPU was the JIT compiling them again (perf), which a server that has run for a while no longer pays.
        var duration = 50.0;
        var warmup = 30.0;
        var burst = 2000;
        var burstClients = 32;
        var drainTimeout = 30.0;
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        string? markdown = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--connection": connection = value; i++; break;
                case "--rate": rate = double.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--duration": duration = double.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--warmup": warmup = double.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--burst": burst = int.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--burst-clients": burstClients = int.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--drain-timeout": drainTimeout = double.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--set" when value?.Split('=', 2) is [var key, var setting]:
                    settings[key] = setting;
                    i++;
                    break;
                case "--markdown": markdown = value; i++; break;
                default:
                    Console.Error.WriteLine(
                        "usage: side-effects [--connection <npgsql connection string>] [--rate 200] [--duration 50] [--warmup 30] " +
                        "[--burst 2000] [--burst-clients 32] [--drain-timeout 30] [--set EventApi:SideEffects:<key>=<value>]... " +
                        "[--markdown docs/benchmarks.md]");
                    return null;
            }
        }

        if (!BenchArguments.HasServer(connection) || !Valid(rate, duration, warmup, burst, burstClients, drainTimeout)) return null;

        return new SideEffectsArguments(connection, rate, duration, warmup, burst, burstClients, drainTimeout, settings, markdown);
    }

    private static bool Valid(double rate, double duration, double warmup, int burst, int burstClients, double drainTimeout)
    {
        if (rate <= 0 || warmup < 0 || duration <= warmup || burst < 0 || burstClients < 1 || drainTimeout <= 0)
        {
            Console.Error.WriteLine("--rate, --duration, --burst-clients and --drain-timeout must be positive, and --duration longer than --warmup.");
            return false;
        }

        return true;
    }
}
