using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace EventApi.Api.Infrastructure.RateLimiting;

/// <summary>
/// How many claims are verified at once across every client (<c>EventApi:RateLimits:ClaimVerification</c>), with a small
/// queue; past the queue a claim is refused. It is taken once the body has been read and validated, so a client that
/// sends its body slowly holds no place.
/// </summary>
public sealed class ClaimVerificationLimit : IDisposable
{
    public ClaimVerificationLimit(IOptions<RateLimitOptions> options)
    {
        var settings = options.Value;
        if (!settings.Enabled) return;
        Limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = settings.ClaimVerification.PermitLimit,
            QueueLimit = settings.ClaimVerification.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>Null when the limits are off.</summary>
    public ConcurrencyLimiter? Limiter { get; }

    public void Dispose() => Limiter?.Dispose();
}

/// <summary>Runs the claim's handler within <see cref="ClaimVerificationLimit"/>.</summary>
public sealed class ClaimVerificationFilter(ClaimVerificationLimit limit, RateLimitRefusals refusals) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (limit.Limiter is not { } limiter) return await next(context);

        using var lease = await limiter.AcquireAsync(1, context.HttpContext.RequestAborted);
        return lease.IsAcquired
            ? await next(context)
            : refusals.Refuse(context.HttpContext, lease, Limit.ClaimVerification);
    }
}
