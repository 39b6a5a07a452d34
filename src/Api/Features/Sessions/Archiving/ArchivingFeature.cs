using EventApi.Api.Infrastructure;

namespace EventApi.Api.Features.Sessions.Archiving;

public static class ArchivingFeature
{
    /// <summary>The archiving of finished sessions (<see cref="SessionArchiver"/>), when <c>EventApi:Archiving:Enabled</c>
    /// is true; its settings are checked at start either way.</summary>
    public static IServiceCollection AddArchiving(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ArchivingOptions>()
            .Bind(configuration.GetSection(ArchivingOptions.Section))
            .Validate(o => o.After >= TimeSpan.Zero, $"{ArchivingOptions.Section}:After must not be negative.")
            .Validate(o => o.Interval > TimeSpan.Zero, $"{ArchivingOptions.Section}:Interval must be positive.")
            .Validate(o => o.BatchSize is >= 1 and <= ArchivingOptions.MaxBatchSize,
                $"{ArchivingOptions.Section}:BatchSize must be from 1 to {ArchivingOptions.MaxBatchSize}.")
            .ValidateOnStart();
        services.AddSingleton<SessionArchiver>();
        if (ArchivingOptions.IsEnabled(configuration)) services.AddHostedService(sp => sp.GetRequiredService<SessionArchiver>());
        return services;
    }
}
