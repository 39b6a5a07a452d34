using System.Collections.Concurrent;
using System.Diagnostics;
using EventApi.Bench.Harness;
using EventApi.Bench.Modes.Http;

namespace EventApi.Bench.Modes.Live;

/// <summary>
/// A run of moves: the window it was measured in (<see cref="Stopwatch"/> timestamps; a move counts if it was sent
/// within it), the latencies of those moves (ms), the moves answered a second, and the CPU spent meanwhile: by the
/// node the moves went to (<see cref="Cpu"/>) and by the other node, when there is one (<see cref="OtherNode"/>).
/// </summary>
internal sealed record MoveWindow(long Start, long End, List<double> Latencies, double Rate, CpuTimes Cpu, CpuTimes? OtherNode)
{
    public double Seconds => Stopwatch.GetElapsedTime(Start, End).TotalSeconds;
}

internal static class Moving
{
    /// <summary>
    /// Moves due at <paramref name="rate"/> a second (open loop: each is sent when it is due, whatever the others do,
    /// unless its session's last move is still in flight), one session after the other, for
    /// <paramref name="leadIn"/> seconds (not recorded) and then <paramref name="duration"/>.
    /// </summary>
    public static async Task<MoveWindow> PacedAsync(HttpClient client, LiveGames games, double rate, double leadIn, double duration,
        CpuMeter meter, CpuMeter? otherNode = null)
    {
        var total = (int)Math.Round(rate * (leadIn + duration));
        var phase = Stopwatch.GetTimestamp();
        var start = phase + Ticks(leadIn);
        var end = phase + Ticks(leadIn + duration);
        var moving = new List<Task<MoveRecord?>>(total);
        (CpuTimes Node, CpuTimes? Other)? cpuStart = null;
        for (var i = 0; i < total; i++)
        {
            var due = i / rate;
            var wait = due - Stopwatch.GetElapsedTime(phase).TotalSeconds;
            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds(wait));
            if (cpuStart is null && due >= leadIn) cpuStart = (meter.Take(), otherNode?.Take());
            if (games.Next() is not { } game) break;
            moving.Add(game.MoveAsync(client));
        }

        var rest = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), end);
        if (rest > TimeSpan.Zero) await Task.Delay(rest);
        var cpuEnd = (Node: meter.Take(), Other: otherNode?.Take());
        cpuStart ??= cpuEnd;
        var moves = (await Task.WhenAll(moving)).OfType<MoveRecord>().ToList();
        var latencies = moves.Where(m => m.Sent >= start && m.Sent < end).Select(m => m.LatencyMs).ToList();
        var answered = moves.Count(m => m.Answered >= start && m.Answered < end);
        var other = cpuEnd.Other is { } otherEnd && cpuStart.Value.Other is { } otherStart ? otherEnd - otherStart : null;
        return new MoveWindow(start, end, latencies, answered / duration, cpuEnd.Node - cpuStart.Value.Node, other);
    }

    /// <summary>
    /// <paramref name="movers"/> clients moving as fast as they are answered (<see cref="ClosedLoop"/>), each on a
    /// session no other move has in flight: <see cref="LiveArguments.ClosedWarmup"/> s of warm-up, then
    /// <paramref name="duration"/> s.
    /// </summary>
    public static async Task<MoveWindow> ClosedAsync(HttpClient client, LiveGames games, int movers, double duration, CpuMeter meter)
    {
        var pool = new ConcurrentQueue<LiveGame>(games.All.Where(g => !g.Exhausted));
        var start = Stopwatch.GetTimestamp() + Ticks(LiveArguments.ClosedWarmup);
        var measured = await ClosedLoop.MeasureAsync(() => Task.FromResult<IWorker>(new MoveWorker(client, pool)), movers,
            TimeSpan.FromSeconds(LiveArguments.ClosedWarmup), TimeSpan.FromSeconds(duration), meter);
        return new MoveWindow(start, start + Ticks(duration), measured.Latencies,
            measured.Latencies.Count / measured.Elapsed.TotalSeconds, measured.Cpu, null);
    }

    private static long Ticks(double seconds) => (long)(seconds * Stopwatch.Frequency);

    /// <summary>A closed-loop client: the next planned move of a session from the pool, which it puts back after the answer.</summary>
    private sealed class MoveWorker(HttpClient client, ConcurrentQueue<LiveGame> pool) : IWorker
    {
        public async Task SendAsync()
        {
            if (!pool.TryDequeue(out var game))
                throw new InvalidOperationException("No session has planned moves left: raise the moves planned a session.");
            try
            {
                await game.MoveAsync(client);
            }
            finally
            {
                if (!game.Exhausted) pool.Enqueue(game);
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
