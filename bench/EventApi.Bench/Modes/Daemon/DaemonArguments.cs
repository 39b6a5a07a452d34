using System.Globalization;
using EventApi.Bench.Harness;

namespace EventApi.Bench.Modes.Daemon;

/// <summary>The daemon mode's command-line options and their defaults.</summary>
internal sealed record DaemonArguments(string Connection, int Events, int BaselineRounds, bool SkipRebuild, string? Markdown)
{
    /// <summary>The issue's size. The default is a tenth of it: at the rates measured on the 2-core build machine (a
    /// catch-up of under 10,000 events/s, rebuilds of 25,000 to 80,000) a million events keep this mode busy for about
    /// five minutes, and every mode together has to finish within ten.</summary>
    public const int IssueEvents = 1_000_000;

    public const int DefaultEvents = 100_000;

    public static DaemonArguments? Parse(string[] args)
    {
        var connection = BenchArguments.DefaultServer;
        var events = DefaultEvents;
        var baselineRounds = 3;
        var skipRebuild = false;
        string? markdown = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--connection" when value is not null: connection = value; i++; break;
                case "--events" when int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n >= 1000: events = n; i++; break;
                case "--baseline-rounds" when int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n >= 1: baselineRounds = n; i++; break;
                case "--skip-rebuild": skipRebuild = true; break;
                case "--markdown" when value is not null: markdown = value; i++; break;
                default:
                    Console.Error.WriteLine(
                        $"usage: daemon [--connection <npgsql connection string>] [--events {DefaultEvents} (at least 1000; the issue's is {IssueEvents})] " +
                        "[--baseline-rounds 3] [--skip-rebuild] [--markdown docs/benchmarks.md]");
                    return null;
            }
        }

        if (!BenchArguments.HasServer(connection)) return null;

        return new DaemonArguments(connection, events, baselineRounds, skipRebuild, markdown);
    }
}
