using System.Globalization;
using EventApi.Bench.Harness;

namespace EventApi.Bench.Modes.Live;

/// <summary>The live mode's command-line options and their defaults.</summary>
internal sealed record LiveArguments(
    string Connection,
    int Spectators,
    int Sessions,
    double Rate,
    double Duration,
    double Warmup,
    double CrossWarmup,
    int Movers,
    double ClosedDuration,
    double DrainTimeout,
    IReadOnlyDictionary<string, string> Settings,
    string? Markdown)
{
    /// <summary>The closed loop's warm-up before each of its windows (not recorded), in seconds.</summary>
    public const double ClosedWarmup = 1;

    /// <summary>The paced run without spectators starts this long before its window (the API is warm by then).</summary>
    public const double LeadIn = 2;

    /// <summary>
    /// The moves a session must be able to make without its game ending: its share of every paced move, and of a
    /// closed loop at <paramref name="closedRate"/> moves/s (more than this machine has done), with a margin.
    /// </summary>
    public int MovesPerSession(double closedRate = 3000)
    {
        var paced = Rate * (Warmup + Duration + LeadIn + Duration + CrossWarmup + Duration);
        var closed = closedRate * 2 * (ClosedWarmup + ClosedDuration);
        return (int)Math.Ceiling(1.25 * (paced + closed) / Sessions);
    }

    public static LiveArguments? Parse(string[] args)
    {
        var connection = BenchArguments.DefaultServer;
        // The first paced run warms the API up with its spectators: the runtime's tiered JIT re-compiles the request,
        // feed and stream paths as they get hot, which a server that has run a while has paid. dotnet-counters on the
        // API under this load: 0.3 to 1.6 s of JIT a 2 s interval (150 to 2,500 methods) for its first 50 s, then
        // under 0.05 s; a second node, which only serves streams, settled 12 s after its start.
        var numbers = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["--spectators"] = 2000,
            ["--sessions"] = 200,
            ["--rate"] = 200,
            ["--duration"] = 20,
            ["--warmup"] = 45,
            ["--cross-warmup"] = 15,
            ["--movers"] = 32,
            ["--closed-duration"] = 10,
            ["--drain-timeout"] = 10,
        };
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        string? markdown = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            if (numbers.ContainsKey(args[i]) && double.TryParse(value, CultureInfo.InvariantCulture, out var number))
                numbers[args[i]] = number;
            else if (args[i] == "--connection") connection = value;
            else if (args[i] == "--set" && value?.Split('=', 2) is [var key, var setting]) settings[key] = setting;
            else if (args[i] == "--markdown") markdown = value;
            else return Usage(numbers);
            i++;
        }

        var options = new LiveArguments(connection!, (int)numbers["--spectators"], (int)numbers["--sessions"], numbers["--rate"],
            numbers["--duration"], numbers["--warmup"], numbers["--cross-warmup"], (int)numbers["--movers"],
            numbers["--closed-duration"], numbers["--drain-timeout"], settings, markdown);
        return BenchArguments.HasServer(connection) && options.Valid() ? options : null;
    }

    private static LiveArguments? Usage(Dictionary<string, double> defaults)
    {
        Console.Error.WriteLine(
            "usage: live [--connection <npgsql connection string>] " +
            string.Join(" ", defaults.Select(d => $"[{d.Key} {d.Value.ToString(CultureInfo.InvariantCulture)}]")) +
            " [--set EventApi:<key>=<value>]... [--markdown docs/benchmarks.md]");
        return null;
    }

    private bool Valid()
    {
        if (Spectators < 1 || Sessions < 1 || Rate <= 0 || Duration <= 0 || Warmup < 0 || CrossWarmup < 0 || Movers < 1 ||
            ClosedDuration <= 0 || DrainTimeout <= 0)
        {
            Console.Error.WriteLine(
                "--spectators, --sessions, --rate, --duration, --movers, --closed-duration and --drain-timeout must be positive, " +
                "the warm-ups non-negative.");
            return false;
        }

        // A closed-loop mover holds a session for one request; the others wait in the pool.
        if (Sessions < 2 * Movers)
        {
            Console.Error.WriteLine($"--sessions must be at least twice --movers ({2 * Movers}).");
            return false;
        }

        return true;
    }
}
