using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace EventApi.Bench.Harness;

/// <summary>What the modes' option parsers share.</summary>
public static class BenchArguments
{
    /// <summary>The server named by <c>EVENTAPI_BENCH_PG</c>, the default of every mode's <c>--connection</c>.</summary>
    public static string? DefaultServer => Environment.GetEnvironmentVariable("EVENTAPI_BENCH_PG");

    /// <summary>A comma-separated list of integers: <c>100,1000,10000</c>.</summary>
    public static int[] Integers(string value) =>
        value.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Whether a server is named; says how to name one when none is.</summary>
    public static bool HasServer([NotNullWhen(true)] string? connection)
    {
        if (!string.IsNullOrWhiteSpace(connection)) return true;
        Console.Error.WriteLine("No server: set EVENTAPI_BENCH_PG or pass --connection (scripts/bench.sh starts a local one).");
        return false;
    }
}
