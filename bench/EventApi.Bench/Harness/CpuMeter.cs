using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace EventApi.Bench.Harness;

/// <summary>
/// Who used the machine's CPU over a stretch of time, from Linux's <c>/proc</c>: the whole machine, the API process,
/// the bench process, and the PostgreSQL server of the bench's database (its postmaster and the processes under it)
/// when it runs on this machine. What is left is other work on the machine.
/// </summary>
public sealed class CpuMeter
{
    private readonly int _api;
    private readonly int? _postmaster;

    private CpuMeter(int api, int? postmaster)
    {
        _api = api;
        _postmaster = postmaster;
    }

    /// <summary>A meter for the API process and, if it runs on this machine, the PostgreSQL server of
    /// <paramref name="database"/>.</summary>
    public static async Task<CpuMeter> CreateAsync(int apiProcess, BenchDatabase database) =>
        new(apiProcess, await database.LocalServerProcessAsync());

    /// <summary>Cumulative CPU seconds now.</summary>
    public Sample Take() => new(
        Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency,
        ProcessCpu.MachineBusy().TotalSeconds,
        ProcessCpu.Describe(_api) is null ? 0 : ProcessCpu.Of(_api).TotalSeconds,
        Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
        PostgresProcesses());

    /// <summary>Cumulative CPU seconds at one moment; <see cref="Postgres"/> by process.</summary>
    public sealed record Sample(double Wall, double Machine, double Api, double Bench, IReadOnlyDictionary<int, double> Postgres)
    {
        /// <summary>Average cores busy from <paramref name="from"/> to <paramref name="to"/>. A PostgreSQL backend that
        /// ended in between is not counted (the API's pooled connections stay).</summary>
        public static Usage operator -(Sample to, Sample from)
        {
            var wall = to.Wall - from.Wall;
            var postgres = to.Postgres.Sum(p => p.Value - from.Postgres.GetValueOrDefault(p.Key));
            return new Usage((to.Machine - from.Machine) / wall, (to.Api - from.Api) / wall, (to.Bench - from.Bench) / wall,
                to.Postgres.Count == 0 ? null : postgres / wall);
        }
    }

    /// <summary>Cores busy on average: the machine, the API, the bench (load and receiver), PostgreSQL (null when it
    /// is not on this machine), and the rest of the machine's work.</summary>
    public sealed record Usage(double Machine, double Api, double Bench, double? Postgres)
    {
        public double Other => Machine - Api - Bench - (Postgres ?? 0);

        public override string ToString() =>
            $"machine {Machine:F2} of {Environment.ProcessorCount}: API {Api:F2}, bench {Bench:F2}, " +
            (Postgres is { } postgres ? $"PostgreSQL {postgres:F2}, other work {Other:F2}" : $"other work (PostgreSQL included) {Other:F2}");
    }

    private Dictionary<int, double> PostgresProcesses() =>
        _postmaster is { } postmaster
            ? ProcessCpu.OfEach(postmaster).ToDictionary(p => p.Key, p => p.Value.TotalSeconds)
            : [];
}
