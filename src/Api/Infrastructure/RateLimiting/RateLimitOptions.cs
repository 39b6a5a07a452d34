namespace EventApi.Api.Infrastructure.RateLimiting;

/// <summary>
/// <c>EventApi:RateLimits</c> in configuration. Each limit is counted by each API process on its own: N nodes allow N
/// times the rate (docs/security.md).
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "EventApi:RateLimits";

    /// <summary>False: nothing is limited (for a deployment whose gateway limits it all).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>POST /sessions</c> per client address.</summary>
    public PermitRate SessionStarts { get; set; } = new() { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) };

    /// <summary><c>POST /claims</c> per client address.</summary>
    public PermitRate Claims { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Requests with a missing or wrong bearer token per session (moves and abandon), in fixed windows.</summary>
    public PermitRate FailedTokens { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Claims being verified at once, across every client.</summary>
    public ConcurrencyLimit ClaimVerification { get; set; } = new() { PermitLimit = 4, QueueLimit = 8 };
}

/// <summary><see cref="PermitLimit"/> permits every <see cref="Window"/>.</summary>
public sealed class PermitRate
{
    public const int MaxPermitLimit = 1_000_000;

    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; }

    /// <summary>From 1 to a million permits, in a window from a second to a day.</summary>
    public bool IsValid => PermitLimit is >= 1 and <= MaxPermitLimit && Window >= TimeSpan.FromSeconds(1) && Window <= TimeSpan.FromDays(1);
}

/// <summary><see cref="PermitLimit"/> at once, and up to <see cref="QueueLimit"/> more waiting their turn.</summary>
public sealed class ConcurrencyLimit
{
    public int PermitLimit { get; set; }

    public int QueueLimit { get; set; }

    /// <summary>From 1 to 1000 at once, and a queue of up to 10,000.</summary>
    public bool IsValid => PermitLimit is >= 1 and <= 1000 && QueueLimit is >= 0 and <= 10_000;
}
