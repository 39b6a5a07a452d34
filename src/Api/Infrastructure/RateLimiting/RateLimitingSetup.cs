using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace EventApi.Api.Infrastructure.RateLimiting;

/// <summary>The per-client policies of ASP.NET Core's rate limiter, by name.</summary>
public static class RateLimitPolicies
{
    public const string SessionStarts = "session-starts";
    public const string Claims = "claims";
}

/// <summary>A token bucket per client address (<see cref="ClientAddress"/>): up to <c>PermitLimit</c> requests at once,
/// refilled one at a time, evenly over <c>Window</c>.</summary>
internal sealed class PerClientPolicy : IRateLimiterPolicy<IPAddress>
{
    private readonly Func<IPAddress, RateLimiter>? _create;

    public PerClientPolicy(PermitRate rate, bool enabled)
    {
        // No timer per client: the partitioned limiter replenishes every bucket every 100 ms.
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = rate.PermitLimit,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = rate.Window / rate.PermitLimit,
            QueueLimit = 0,
            AutoReplenishment = false,
        };
        if (enabled) _create = _ => new TokenBucketRateLimiter(bucket);
    }

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => null;

    public RateLimitPartition<IPAddress> GetPartition(HttpContext httpContext) => _create is null
        ? RateLimitPartition.GetNoLimiter(IPAddress.IPv6None)
        : RateLimitPartition.Get(ClientAddress.PartitionOf(httpContext.Connection.RemoteIpAddress), _create);
}

public static class RateLimitingSetup
{
    public static IServiceCollection AddEventApiRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        const string section = RateLimitOptions.Section;
        services.AddOptions<RateLimitOptions>()
            .Bind(configuration.GetSection(section))
            .Validate(o => o.SessionStarts.IsValid, $"{section}:SessionStarts: PermitLimit must be from 1 to {PermitRate.MaxPermitLimit} and Window from 1 second to 1 day.")
            .Validate(o => o.Claims.IsValid, $"{section}:Claims: PermitLimit must be from 1 to {PermitRate.MaxPermitLimit} and Window from 1 second to 1 day.")
            .Validate(o => o.FailedTokens.IsValid, $"{section}:FailedTokens: PermitLimit must be from 1 to {PermitRate.MaxPermitLimit} and Window from 1 second to 1 day.")
            .Validate(o => o.ClaimVerification.IsValid, $"{section}:ClaimVerification: PermitLimit must be from 1 to 1000 and QueueLimit from 0 to 10000.")
            .ValidateOnStart();
        services.AddSingleton<RateLimitRefusals>();
        services.AddSingleton<FailedTokenAttempts>();
        services.AddSingleton<ClaimVerificationLimit>();

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((options, limits) =>
        {
            var settings = limits.Value;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(RateLimitPolicies.SessionStarts, new PerClientPolicy(settings.SessionStarts, settings.Enabled));
            options.AddPolicy(RateLimitPolicies.Claims, new PerClientPolicy(settings.Claims, settings.Enabled));
            options.OnRejected = (context, _) =>
            {
                var http = context.HttpContext;
                var limit = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == RateLimitPolicies.Claims
                    ? Limit.Claims
                    : Limit.SessionStarts;
                var refusal = http.RequestServices.GetRequiredService<RateLimitRefusals>().Refuse(http, context.Lease, limit);
                return new ValueTask(refusal.ExecuteAsync(http));
            };
        });
        return services;
    }

    /// <summary>The endpoint is limited per client address by the named policy (429 past it).</summary>
    public static RouteHandlerBuilder LimitedPerClient(this RouteHandlerBuilder builder, string policy) =>
        builder.RequireRateLimiting(policy).ProducesProblem(StatusCodes.Status429TooManyRequests);

    /// <summary>The endpoint's handler verifies a claim: it runs within <see cref="ClaimVerificationLimit"/> (429 past it).</summary>
    public static RouteHandlerBuilder LimitsClaimVerification(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<ClaimVerificationFilter>().ProducesProblem(StatusCodes.Status429TooManyRequests);
}
