using System.Diagnostics;

namespace EventApi.Bench.Harness;

/// <summary>
/// Who used the machine's CPU, from Linux's <c>/proc</c>: the whole machine, the API processes, the bench process, and
/// the PostgreSQL server of the bench's database (its postmaster and every process under it, those that ended
/// included) when it runs on this machine. Take a sample before and after, and subtract.
/// </summary>
public sealed class CpuMeter
{
    private readonly int[] _api;
    private readonly int? _postmaster;

    private CpuMeter(int[] api, int? postmaster)
    {
        _api = api;
        _postmaster = postmaster;
    }

    /// <summary>A meter for the API process, if there is one yet, and the PostgreSQL server of
    /// <paramref name="database"/> if it runs on this machine.</summary>
    public static Task<CpuMeter> CreateAsync(BenchDatabase database, int? apiProcess = null) =>
        CreateAsync(database, apiProcess is { } api ? [api] : []);

    /// <summary>A meter for several API processes (a cluster's nodes: their CPU is added up) and the PostgreSQL server of
    /// <paramref name="database"/> if it runs on this machine.</summary>
    public static async Task<CpuMeter> CreateAsync(BenchDatabase database, int[] apiProcesses) =>
        new(apiProcesses, await database.LocalServerProcessAsync());

    /// <summary>The cumulative CPU times now (the API's is zero without an API process).</summary>
    public CpuTimes Take() => new(
        Stopwatch.GetElapsedTime(0),
        ProcessCpu.MachineBusy(),
        _api.Where(api => ProcessCpu.Describe(api) is not null).Aggregate(TimeSpan.Zero, (sum, api) => sum + ProcessCpu.Of(api)),
        ProcessCpu.Of(Environment.ProcessId),
        _postmaster is { } postmaster ? ProcessCpu.OfTree(postmaster) : null);
}

/// <summary>
/// CPU times: cumulative ones from <see cref="CpuMeter.Take"/>, or what was spent between two samples (their
/// difference), or that divided by a number of requests. <see cref="Postgres"/> is null when the server is not on
/// this machine.
/// </summary>
public sealed record CpuTimes(TimeSpan Wall, TimeSpan Machine, TimeSpan Api, TimeSpan Bench, TimeSpan? Postgres)
{
    /// <summary>The API, the bench and PostgreSQL together.</summary>
    public TimeSpan Processes => Api + Bench + (Postgres ?? TimeSpan.Zero);

    /// <summary>Average cores busy over <see cref="Wall"/>.</summary>
    public CpuUsage Cores => new(Machine / Wall, Api / Wall, Bench / Wall, Postgres / Wall);

    public static CpuTimes operator -(CpuTimes end, CpuTimes start) =>
        new(end.Wall - start.Wall, end.Machine - start.Machine, end.Api - start.Api, end.Bench - start.Bench,
            end.Postgres - start.Postgres);

    public static CpuTimes operator /(CpuTimes times, int count) =>
        new(times.Wall / count, times.Machine / count, times.Api / count, times.Bench / count, times.Postgres / count);
}

/// <summary>Cores busy on average: the machine, the API, the bench (load and receiver), PostgreSQL (null when it is
/// not on this machine), and the rest of the machine's work.</summary>
public sealed record CpuUsage(double Machine, double Api, double Bench, double? Postgres)
{
    public double Other => Machine - Api - Bench - (Postgres ?? 0);

    public override string ToString() =>
        $"machine {Machine:F2} of {Environment.ProcessorCount}: API {Api:F2}, bench {Bench:F2}, " +
        (Postgres is { } postgres ? $"PostgreSQL {postgres:F2}, other work {Other:F2}" : $"other work (PostgreSQL included) {Other:F2}");
}
