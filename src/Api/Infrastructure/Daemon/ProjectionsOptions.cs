using JasperFx.Events.Projections;
using Marten;

namespace EventApi.Api.Infrastructure.Daemon;

/// <summary>What the async daemon does with an event that makes a projection throw.</summary>
public enum ApplyErrorPolicy
{
    /// <summary>The event goes to Marten's dead-letter events and the projection advances past it.</summary>
    Skip,

    /// <summary>The shard pauses on the event (and retries it from time to time) until the cause is fixed.</summary>
    Pause,
}

/// <summary><c>EventApi:Projections</c> in configuration.</summary>
public sealed class ProjectionsOptions
{
    public const string Section = "EventApi:Projections";

    /// <summary><c>skip</c> (the default) or <c>pause</c>; governs apply errors in continuous runs and in rebuilds.</summary>
    public ApplyErrorPolicy OnApplyError { get; set; } = ApplyErrorPolicy.Skip;

    /// <summary>Readiness is degraded while a shard is more than this many events behind the high-water mark.</summary>
    public long MaxLagEvents { get; set; } = 10_000;

    /// <summary>Readiness is degraded while a shard's oldest unprocessed event is older than this many seconds.</summary>
    public double MaxLagSeconds { get; set; } = 60;

    /// <summary>How long a rebuild's replay of one shard may take before it is abandoned.</summary>
    public TimeSpan RebuildTimeout { get; set; } = TimeSpan.FromMinutes(5);
}

public static class ProjectionsSetup
{
    public static IServiceCollection AddProjections(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProjectionsOptions>()
            .Bind(configuration.GetSection(ProjectionsOptions.Section))
            .Validate(o => Enum.IsDefined(o.OnApplyError), $"{ProjectionsOptions.Section}:OnApplyError must be skip or pause.")
            .Validate(o => o.MaxLagEvents > 0, $"{ProjectionsOptions.Section}:MaxLagEvents must be positive.")
            .Validate(o => o.MaxLagSeconds > 0, $"{ProjectionsOptions.Section}:MaxLagSeconds must be positive.")
            .Validate(o => o.RebuildTimeout > TimeSpan.Zero, $"{ProjectionsOptions.Section}:RebuildTimeout must be positive.")
            .ValidateOnStart();
        return services;
    }

    /// <summary>The most events an async projection's shard fetches and applies in one batch.</summary>
    public const int BatchSize = 5000;

    /// <summary>
    /// Batches of up to <see cref="BatchSize"/> events instead of Marten's 500, for every async projection and the
    /// side-effects subscription. A batch is one transaction that writes each document it touched once, so a shard
    /// that is behind (a catch-up, a rebuild's tail) writes a statistics document or a session's timeline head once per
    /// 5000 events instead of once per 500, and commits a tenth as often. A shard that keeps up sees small batches
    /// anyway: a batch holds what has arrived, up to the limit.
    /// </summary>
    public static void LargeBatches(AsyncOptions options) => options.BatchSize = BatchSize;

    /// <summary>
    /// The error policy for apply errors, the same in continuous runs and in rebuilds (Marten's defaults differ:
    /// skip while running, stop a rebuild). Serialization errors and unknown event types stop every shard, continuous
    /// or rebuilding (see <c>SideEffectsModule.ConfigureSideEffects</c>).
    /// </summary>
    public static StoreOptions ApplyProjectionErrorPolicy(this StoreOptions options, ApplyErrorPolicy policy)
    {
        var skip = policy == ApplyErrorPolicy.Skip;
        options.Projections.Errors.SkipApplyErrors = skip;
        options.Projections.RebuildErrors.SkipApplyErrors = skip;
        return options;
    }
}
