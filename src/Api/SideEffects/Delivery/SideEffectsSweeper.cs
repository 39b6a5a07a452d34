using EventApi.Api.Infrastructure;
using Microsoft.Extensions.Options;
using Wolverine;

namespace EventApi.Api.Features.SideEffects;

/// <summary>
/// Every <c>EventApi:SideEffects:SweepInterval</c>, on every node: wakes the sessions whose next side effect is overdue
/// by more than an interval (a wake-up that was lost, for example in Wolverine's own dead letters while PostgreSQL was
/// down), and refreshes the pending and waiting gauges. The normal path never needs it; it makes sure that whatever
/// happened to a wake-up, every due side effect is tried again. Then it deletes the side effects past their retention
/// (<see cref="SideEffectsRetention"/>), whether or not the first part failed.
/// </summary>
public sealed class SideEffectsSweeper(
    SideEffectsOutbox outbox,
    SideEffectsRetention retention,
    SideEffectsMetrics metrics,
    IServiceScopeFactory scopes,
    IOptions<SideEffectsOptions> options,
    TimeProvider clock,
    ILogger<SideEffectsSweeper> logger) : BackgroundService
{
    /// <summary>Sessions woken per sweep at most; the rest wait for the next sweep.</summary>
    public const int MaxWakeUpsPerSweep = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.SweepInterval;
        using var timer = new PeriodicTimer(interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogFailure(e, "Sweeping the side-effects outbox", interval);
            }

            try
            {
                await retention.SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogFailure(e, "Deleting side effects past their retention", interval);
            }
        }
    }

    /// <summary>One sweep. Returns the sessions it woke.</summary>
    public async Task<IReadOnlyList<Guid>> SweepAsync(CancellationToken ct)
    {
        var open = await outbox.CountByStatusAsync([SideEffectStatus.Pending, SideEffectStatus.Waiting], ct);
        metrics.Backlog(open[SideEffectStatus.Pending], open[SideEffectStatus.Waiting]);

        var overdue = await outbox.OverdueSessionsAsync(clock.GetUtcNow() - options.Value.SweepInterval, MaxWakeUpsPerSweep, ct);
        if (overdue.Count == 0) return overdue;

        await using var scope = scopes.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
        foreach (var session in overdue) await bus.PublishAsync(new DeliverSideEffects(session));
        logger.LogInformation("Woke {Count} sessions whose side effects were overdue", overdue.Count);
        return overdue;
    }
}
