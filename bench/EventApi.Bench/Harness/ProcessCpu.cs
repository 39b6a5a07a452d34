using System.Globalization;

namespace EventApi.Bench.Harness;

/// <summary>
/// CPU time (user and system) of processes on this machine, from <c>/proc/&lt;pid&gt;/stat</c>: what a case cost the
/// API, PostgreSQL and the bench itself, whatever else the machine was doing at the time.
/// </summary>
public static class ProcessCpu
{
    // USER_HZ: the unit of /proc's times, 100 on every mainstream Linux architecture.
    private const double TicksPerSecond = 100;

    /// <summary>The CPU time of one process, all its threads.</summary>
    public static TimeSpan Of(int pid)
    {
        var stat = Stat(pid) ?? throw new InvalidOperationException($"No process {pid}.");
        return Ticks(stat.UserTicks + stat.SystemTicks);
    }

    /// <summary>
    /// The CPU time of a process and of its children: those still running, and those that exited and were waited
    /// for (a PostgreSQL server: the postmaster, every backend and the background processes).
    /// </summary>
    public static TimeSpan OfTree(int pid)
    {
        var root = Stat(pid) ?? throw new InvalidOperationException($"No process {pid}.");
        var ticks = root.UserTicks + root.SystemTicks + root.ReapedChildrenTicks;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var child)) continue;
            if (Stat(child) is { } stat && stat.ParentId == pid) ticks += stat.UserTicks + stat.SystemTicks;
        }

        return Ticks(ticks);
    }

    /// <summary>The CPU time the whole machine was busy since it started: every state but idle and waiting for I/O.</summary>
    public static TimeSpan MachineBusy()
    {
        // "cpu  user nice system idle iowait irq softirq steal ...".
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return Ticks(fields.Take(8).Sum() - fields[3] - fields[4]);
    }

    /// <summary>The name (<c>comm</c>) and parent of a process on this machine, or null if there is no such process here.</summary>
    public static (string Name, int ParentId)? Describe(int pid) => Stat(pid) is { } stat ? (stat.Name, stat.ParentId) : null;

    private sealed record ProcStat(string Name, int ParentId, long UserTicks, long SystemTicks, long ReapedChildrenTicks);

    private static ProcStat? Stat(int pid)
    {
        string line;
        try
        {
            line = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so the fields start after the last ')'.
        var open = line.IndexOf('(');
        var close = line.LastIndexOf(')');
        var fields = line[(close + 2)..].Split(' ');
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return new ProcStat(line[(open + 1)..close], (int)Field(4), Field(14), Field(15), Field(16) + Field(17));
    }

    private static TimeSpan Ticks(long ticks) => TimeSpan.FromSeconds(ticks / TicksPerSecond);
}
