using Marten;
using Microsoft.Extensions.Options;

namespace EventApi.Api.Infrastructure.Idempotency;

/// <summary>Deletes expired idempotency records in the background. Expired records are already ignored by the
/// endpoints; this only keeps the table small.</summary>
public sealed class IdempotencySweeper(
    IDocumentStore store,
    TimeProvider clock,
    IOptions<IdempotencyOptions> options,
    ILogger<IdempotencySweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogFailure(e, "Sweeping expired idempotency keys", options.Value.SweepInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deletes every record that has expired.</summary>
    public async Task SweepAsync(CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var now = clock.GetUtcNow();
        session.DeleteWhere<IdempotencyRecord>(r => r.ExpiresAt < now);
        await session.SaveChangesAsync(ct);
    }
}
