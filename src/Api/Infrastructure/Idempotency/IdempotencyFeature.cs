using Marten;

namespace EventApi.Api.Infrastructure.Idempotency;

public static class IdempotencyFeature
{
    public static StoreOptions ConfigureIdempotency(this StoreOptions options)
    {
        options.Schema.For<IdempotencyRecord>().Index(r => r.ExpiresAt);
        return options;
    }

    public static IServiceCollection AddIdempotency(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IdempotencyOptions>()
            .Bind(configuration.GetSection("EventApi:Idempotency"))
            .Validate(o => o.Retention >= TimeSpan.FromHours(24), "EventApi:Idempotency:Retention must be at least 24 hours.")
            .Validate(o => o.SweepInterval > TimeSpan.Zero, "EventApi:Idempotency:SweepInterval must be positive.")
            .ValidateOnStart();
        services.AddSingleton<IdempotencyKeys>();
        services.AddHostedService<IdempotencySweeper>();
        return services;
    }
}
