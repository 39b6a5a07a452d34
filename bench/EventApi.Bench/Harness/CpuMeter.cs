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
    // USER_HZ: the unit of /proc's CPU times on Linux.
    private const double TicksPerSecond = 100;

    private readonly int _api;
    private readonly int? _postmaster;

    private CpuMeter(int api, int? postmaster)
    {
        _api = api;
        _postmaster = postmaster;
    }

    /// <summary>A meter for the API process and, if the server is local, the PostgreSQL server behind
    /// <paramref name="database"/> (the parent of a backend serving it).</summary>
    public static async Task<CpuMeter> CreateAsync(int apiProcess, NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand("select pg_backend_pid()");
        var backend = (int)(await command.ExecuteScalarAsync())!;
        var local = File.Exists($"/proc/{backend}/comm") && File.ReadAllText($"/proc/{backend}/comm").Trim() == "postgres";
        var postmaster = local && Stat(backend) is { } stat ? int.Parse(stat[1], CultureInfo.InvariantCulture) : (int?)null;
        return new CpuMeter(apiProcess, postmaster);
    }

    /// <summary>Cumulative CPU seconds now.</summary>
    public Sample Take() => new(
        Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency,
        MachineBusy(),
        Seconds(_api) ?? 0,
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

    private Dictionary<int, double> PostgresProcesses()
    {
        var times = new Dictionary<int, double>();
        if (_postmaster is not { } postmaster) return times;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            if (Stat(pid) is not { } stat) continue;
            if (pid != postmaster && stat[1] != postmaster.ToString(CultureInfo.InvariantCulture)) continue;
            times[pid] = Seconds(stat);
        }

        return times;
    }

    // "cpu  user nice system idle iowait irq softirq steal ...": busy is everything but idle and iowait.
    private static double MachineBusy()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return (fields.Take(8).Sum() - fields[3] - fields[4]) / TicksPerSecond;
    }

    private static double? Seconds(int pid) => Stat(pid) is { } stat ? Seconds(stat) : null;

    // utime and stime: the 14th and 15th fields of /proc/<pid>/stat, the 12th and 13th after the command.
    private static double Seconds(string[] stat) =>
        (double.Parse(stat[11], CultureInfo.InvariantCulture) + double.Parse(stat[12], CultureInfo.InvariantCulture)) / TicksPerSecond;

    /// <summary>The fields of <c>/proc/&lt;pid&gt;/stat</c> after the command (state, ppid, ...); null when the process is
    /// gone or not visible.</summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
