using Microsoft.Extensions.Options;

namespace EventApi.Api.Features.SideEffects;

/// <summary>
/// Run by the <see cref="SideEffectsSweeper"/> every <c>EventApi:SideEffects:SweepInterval</c>, on every node: deletes
/// the side effects delivered or discarded longer than <c>EventApi:SideEffects:Retention</c> ago, in batches of
/// <c>RetentionBatchSize</c>, each its own short transaction, at most <see cref="BatchesPerSweep"/> per sweep (a backlog,
/// as after upgrading, goes over several sweeps). Pending, waiting and dead-lettered ones are never deleted. Sweeps on
/// several nodes skip each other's rows instead of waiting for them.
/// </summary>
public sealed class SideEffectsRetention(
    SideEffectsOutbox outbox,
    SideEffectsMetrics metrics,
    IOptions<SideEffectsOptions> options,
    TimeProvider clock,
    ILogger<SideEffectsRetention> logger)
{
    /// <summary>Batches one sweep deletes at most before it yields until the next sweep.</summary>
    public const int BatchesPerSweep = 5;

    /// <summary>One sweep: returns how many side effects it deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var (retention, batchSize) = (options.Value.Retention, options.Value.RetentionBatchSize);
        var cutoff = clock.GetUtcNow() - retention;
        var deleted = 0;
        for (var batch = 0; batch < BatchesPerSweep; batch++)
        {
            var count = await outbox.DeleteFinishedAsync(cutoff, batchSize, ct);
            deleted += count;
            metrics.Swept(count);
            if (count < batchSize) break;
        }

        if (deleted > 0)
            logger.LogInformation("Deleted {Count} side effects delivered or discarded more than {Retention} ago", deleted, retention);
        return deleted;
    }
}
