using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace EventApi.Api.Infrastructure.RateLimiting;

/// <summary>
/// Failed token attempts per session (<c>EventApi:RateLimits:FailedTokens</c>): once a session has had that many
/// requests with a missing or wrong bearer token in a window, every further request to it is refused until the window
/// ends, before its token is compared. Only failures take a permit. A fixed window per session, whose partition the
/// limiter drops ten seconds after it is full again, so the sessions tracked are those tried lately.
/// </summary>
public sealed class FailedTokenAttempts : IDisposable
{
    private readonly PartitionedRateLimiter<Guid>? _limiter;

    public FailedTokenAttempts(IOptions<RateLimitOptions> options)
    {
        var settings = options.Value;
        if (!settings.Enabled) return;

        // No timer per session: the partitioned limiter replenishes them all every 100 ms.
        var window = new FixedWindowRateLimiterOptions
        {
            PermitLimit = settings.FailedTokens.PermitLimit,
            Window = settings.FailedTokens.Window,
            QueueLimit = 0,
            AutoReplenishment = false,
        };
        Func<Guid, RateLimiter> create = _ => new FixedWindowRateLimiter(window);
        _limiter = PartitionedRateLimiter.Create<Guid, Guid>(session => RateLimitPartition.Get(session, create));
    }

    /// <summary>The refused lease while <paramref name="session"/> may not be tried (dispose it); null when it may.
    /// Takes no permit, and allocates nothing while the session may be tried.</summary>
    public RateLimitLease? Refusal(Guid session)
    {
        if (_limiter is null) return null;
        var lease = Acquire(_limiter, session, 0);
        if (!lease.IsAcquired) return lease;
        lease.Dispose();
        return null;
    }

    /// <summary>A request to <paramref name="session"/> came without its token: it takes a permit.</summary>
    public void Failed(Guid session)
    {
        if (_limiter is not null) Acquire(_limiter, session, 1).Dispose();
    }

    private static RateLimitLease Acquire(PartitionedRateLimiter<Guid> limiter, Guid session, int permits)
    {
        try
        {
            return limiter.AttemptAcquire(session, permits);
        }
        catch (ObjectDisposedException)
        {
            // The partitioned limiter disposes a session's limiter once it has been idle for 10 s, also when a request
            // has just looked it up: looking it up again makes a new one.
            return limiter.AttemptAcquire(session, permits);
        }
    }

    public void Dispose() => _limiter?.Dispose();
}
