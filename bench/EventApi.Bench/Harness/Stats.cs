namespace EventApi.Bench.Harness;

public static class Stats
{
    public static double Median(IReadOnlyCollection<double> values) => Percentile(values, 50);

    /// <summary>The nearest-rank percentile (p in 0..100) of <paramref name="values"/>.</summary>
    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0) throw new ArgumentException("No values.", nameof(values));
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
