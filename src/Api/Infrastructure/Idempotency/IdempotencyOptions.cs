namespace EventApi.Api.Infrastructure.Idempotency;

/// <summary><c>EventApi:Idempotency</c> in configuration.</summary>
public sealed class IdempotencyOptions
{
    /// <summary>How long a key is remembered. At least 24 hours; 48 by default.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(48);

    /// <summary>How often expired keys are deleted.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);
}
