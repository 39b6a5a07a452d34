using System.Diagnostics;
using EventApi.Bench.Harness;
using static EventApi.Bench.Harness.Stats;

namespace EventApi.Bench.Modes.Http;

/// <summary>One client of the closed loop: sends a request and returns when it is answered; throws on any failure.</summary>
internal interface IWorker : IAsyncDisposable
{
    Task SendAsync();
}

/// <summary>
/// Latencies (ms) of the requests sent within the window, how long the window lasted until the last answer, and
/// the CPU time spent meanwhile.
/// </summary>
internal sealed record Measurement(List<double> Latencies, TimeSpan Elapsed, CpuTimes Cpu);

/// <summary>One case at one concurrency level.</summary>
internal sealed record Result(
    string Case,
    int Concurrency,
    int Requests,
    double RequestsPerSecond,
    double P50,
    double P95,
    double P99,
    CpuTimes CpuPerRequest,
    double CoresBusy)
{
    public Result(string @case, int concurrency, Measurement m)
        : this(@case, concurrency, m.Latencies.Count, m.Latencies.Count / m.Elapsed.TotalSeconds,
            Percentile(m.Latencies, 50), Percentile(m.Latencies, 95), Percentile(m.Latencies, 99),
            m.Cpu / m.Latencies.Count, m.Cpu.Processes / m.Elapsed)
    {
    }
}

internal static class ClosedLoop
{
    /// <summary>
    /// <paramref name="concurrency"/> workers send requests back to back for the warm-up (not recorded), then for
    /// <paramref name="duration"/>: every request sent in that window is recorded.
    /// </summary>
    public static async Task<Measurement> MeasureAsync(Func<Task<IWorker>> open, int concurrency, TimeSpan warmUp,
        TimeSpan duration, CpuMeter cpu)
    {
        var workers = new IWorker[concurrency];
        for (var w = 0; w < concurrency; w++) workers[w] = await open();
        try
        {
            var windowStart = Stopwatch.GetTimestamp() + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
            var windowEnd = windowStart + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            var cpuAtStart = Task.Run(async () =>
            {
                await Task.Delay(warmUp);
                return cpu.Take();
            });
            var loops = workers.Select(worker => Task.Run(() => LoopAsync(worker, windowStart, windowEnd))).ToArray();
            var done = await Task.WhenAll(loops);
            var cpuAtEnd = cpu.Take();
            return new Measurement(done.SelectMany(d => d.Latencies).ToList(),
                Stopwatch.GetElapsedTime(windowStart, done.Max(d => d.LastAnswer)), cpuAtEnd - await cpuAtStart);
        }
        finally
        {
            foreach (var worker in workers) await worker.DisposeAsync();
        }
    }

    /// <summary>One worker's requests back to back until the window's end; the latencies of those sent within it.</summary>
    private static async Task<(List<double> Latencies, long LastAnswer)> LoopAsync(IWorker worker, long windowStart, long windowEnd)
    {
        var latencies = new List<double>();
        var lastAnswer = windowStart;
        while (Stopwatch.GetTimestamp() is var sent && sent < windowEnd)
        {
            await worker.SendAsync();
            if (sent < windowStart) continue;
            lastAnswer = Stopwatch.GetTimestamp();
            latencies.Add(Stopwatch.GetElapsedTime(sent, lastAnswer).TotalMilliseconds);
        }

        return (latencies, lastAnswer);
    }
}
