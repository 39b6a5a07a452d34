namespace EventApi.Api.Features.SideEffects;

/// <summary><c>EventApi:SideEffects</c> in configuration: how webhooks are retried and timed out.</summary>
public sealed class SideEffectsOptions
{
    public const string Section = "EventApi:SideEffects";
    public const int MaxMaxAttempts = 100;

    /// <summary>The first retry waits up to this long; each further one up to twice as long as the one before.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>No retry waits longer than this (a receiver's <c>Retry-After</c> excepted).</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Attempts of one side effect before a transient failure becomes a dead letter.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>How long one webhook attempt may take, from connecting to the response's headers.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often every node looks for sessions whose next side effect is overdue (a lost wake-up) and
    /// refreshes the backlog gauges.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many sessions one node delivers to at the same time. Each attempt in flight holds a pooled
    /// connection for its transaction; at 10, 200 finished games a second on two cores sometimes queued behind the
    /// workers for over a second (docs/benchmarks.md, side effects).</summary>
    public int MaxParallelSessions { get; set; } = 20;

    /// <summary>How long delivered and discarded side effects are kept, from their delivery or discard; every
    /// <see cref="SweepInterval"/> each node deletes older ones, in batches. Open ones (pending, waiting, dead-lettered)
    /// are never deleted.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Side effects deleted per statement (and transaction) by the retention sweep; a sweep runs up to
    /// <see cref="SideEffectsRetention.BatchesPerSweep"/> of them.</summary>
    public int RetentionBatchSize { get; set; } = 1000;
}
