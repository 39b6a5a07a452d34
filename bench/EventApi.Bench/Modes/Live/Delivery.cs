using System.Diagnostics;

namespace EventApi.Bench.Modes.Live;

/// <summary>
/// What an audience received of a run of moves. <see cref="Lags"/> (ms): for every frame of a move sent within the
/// window, its arrival at a spectator minus the move's answer arriving at its mover, on the bench's one clock
/// (negative when the frame came first). <see cref="Expected"/> is every spectator's frames of those moves;
/// <see cref="ArrivedInWindow"/> the frames, of any move, that arrived within the window (what its CPU paid for).
/// </summary>
internal sealed record Delivery(
    int Spectators,
    TimeSpan OpenedIn,
    long Expected,
    List<double> Lags,
    long ArrivedInWindow,
    long Missing,
    long OutOfOrder,
    int Resumed,
    long BehindAtEnd,
    double Drain)
{
    public double FramesPerSecond(MoveWindow window) => ArrivedInWindow / window.Seconds;

    /// <summary>Reads the frames of <paramref name="audience"/> (closed, so nothing more comes) against the moves of <paramref name="window"/>.</summary>
    public static Delivery Of(Audience audience, MoveWindow window, double drain)
    {
        // Per session: the answer of each version appended by a move sent within the window.
        var answers = audience.Spectators.Select(s => s.Game).Distinct().ToDictionary(g => g, g =>
            g.Moves.Where(m => m.Sent >= window.Start && m.Sent < window.End)
                .SelectMany(m => Enumerable.Range(0, (int)(m.LastVersion - m.FirstVersion + 1)).Select(i => (Version: m.FirstVersion + i, m.Answered)))
                .ToDictionary(v => v.Version, v => v.Answered));
        var lags = new List<double>();
        long expected = 0, arrived = 0;
        foreach (var spectator in audience.Spectators)
        {
            var answered = answers[spectator.Game];
            expected += answered.Count;
            for (var i = 0; i < spectator.Versions.Count; i++)
            {
                var at = spectator.Arrivals[i];
                if (at >= window.Start && at < window.End) arrived++;
                if (answered.TryGetValue(spectator.Versions[i], out var answer))
                    lags.Add(Stopwatch.GetElapsedTime(answer, at).TotalMilliseconds);
            }
        }

        return new Delivery(audience.Spectators.Count, audience.OpenedIn, expected, lags, arrived,
            audience.Spectators.Sum(s => s.Missing), audience.Spectators.Sum(s => s.OutOfOrder), audience.Spectators.Sum(s => s.Resumed),
            audience.Spectators.Sum(s => Math.Max(0, s.Game.Version - s.LastId)), drain);
    }
}
