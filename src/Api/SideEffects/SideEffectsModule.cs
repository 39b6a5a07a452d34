using EventApi.Api.Infrastructure;
using Marten;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Wolverine;
using Wolverine.Marten;

namespace EventApi.Api.Features.SideEffects;

/// <summary>
/// The side-effects module: its Marten documents, services, Wolverine queue and admin endpoints. Its parts:
/// <c>Recording/</c> (the subscription that writes a side effect per event), <c>Delivery/</c> (the ordered per-session
/// outbox, its dispatcher, retries, sweeper, retention and metrics), <c>Webhooks/</c> (sending, signing, destinations) and
/// <c>Admin/</c> (dead letters and the summary).
/// </summary>
/// <remarks>
/// Every part keeps the namespace <c>EventApi.Api.Features.SideEffects</c>: dead letters record their exception type by
/// its full name (<c>exceptionType</c> in <c>GET /admin/dead-letters</c>, and its filter), and Wolverine's durable
/// queue stores <see cref="DeliverSideEffects"/> wake-ups under their full type name, so a new namespace would change
/// what the API shows and strand what is already stored.
/// </remarks>
public static class SideEffectsModule
{
    /// <summary>The durable local queue the dispatcher listens on.</summary>
    public const string QueueName = "side-effects";

    /// <summary>How long Wolverine's inbox keeps a handled wake-up before deleting it.</summary>
    public static readonly TimeSpan KeepHandledWakeUps = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The side-effects outbox, and the daemon's handling of events it cannot read.
    /// </summary>
    /// <remarks>
    /// Marten reads <c>SkipUnknownEvents</c> and <c>SkipSerializationErrors</c> from the store's
    /// <c>Projections.Errors</c> for every shard: a subscription has no error options of its own. They are turned off
    /// here so that the side-effects subscription stops, with the error in <c>GET /admin/projections</c>, on an event of
    /// a type this version does not know (a newer version wrote it) or cannot decode, instead of skipping its side
    /// effects. The statistics, which read every event too, stop on such an event as well, as their rebuild already did.
    /// </remarks>
    public static StoreOptions ConfigureSideEffects(this StoreOptions options)
    {
        options.Schema.For<SideEffect>()
            .Duplicate(s => s.SessionId)
            .Duplicate(s => s.Version)
            .Duplicate(s => s.Kind)
            .Duplicate(s => s.Status)
            .Duplicate(s => s.NextAttemptAt)
            .Duplicate(s => s.DeliveredAt);
        options.Schema.For<SideEffectsSwept>();
        options.Projections.Errors.SkipUnknownEvents = false;
        options.Projections.Errors.SkipSerializationErrors = false;
        return options;
    }

    public static IServiceCollection AddSideEffects(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SideEffectsOptions>()
            .Bind(configuration.GetSection(SideEffectsOptions.Section))
            .Validate(o => o.RetryBaseDelay > TimeSpan.Zero, $"{SideEffectsOptions.Section}:RetryBaseDelay must be positive.")
            .Validate(o => o.RetryMaxDelay >= o.RetryBaseDelay, $"{SideEffectsOptions.Section}:RetryMaxDelay must be at least RetryBaseDelay.")
            .Validate(o => o.MaxAttempts is >= 1 and <= SideEffectsOptions.MaxMaxAttempts,
                $"{SideEffectsOptions.Section}:MaxAttempts must be from 1 to {SideEffectsOptions.MaxMaxAttempts}.")
            .Validate(o => o.Timeout > TimeSpan.Zero && o.Timeout <= TimeSpan.FromMinutes(5),
                $"{SideEffectsOptions.Section}:Timeout must be positive and at most 5 minutes.")
            .Validate(o => o.SweepInterval > TimeSpan.Zero, $"{SideEffectsOptions.Section}:SweepInterval must be positive.")
            .Validate(o => o.MaxParallelSessions is >= 1 and <= 100, $"{SideEffectsOptions.Section}:MaxParallelSessions must be from 1 to 100.")
            .Validate(o => o.Retention > TimeSpan.Zero, $"{SideEffectsOptions.Section}:Retention must be positive.")
            .Validate(o => o.RetentionBatchSize is >= 1 and <= 10_000, $"{SideEffectsOptions.Section}:RetentionBatchSize must be from 1 to 10000.")
            .ValidateOnStart();
        services.AddWebhooks(configuration);
        services.AddSingleton<SideEffectsMetrics>();
        // OpenTelemetry collects the meter; an exporter (OTLP, Prometheus) added here ships it.
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(SideEffectsMetrics.MeterName));
        services.AddSingleton<SideEffectsOutbox>();
        services.AddSingleton<SideEffectDispatcher>();
        services.AddSingleton<SideEffectsRetention>();
        services.AddSingleton<SideEffectsSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<SideEffectsSweeper>());
        services.SubscribeToEventsWithServices<SideEffectsSubscription>(ServiceLifetime.Singleton);
        return services;
    }

    /// <summary>The webhooks' options, destination policy, HTTP client, signer and sender, which is the delivery of the
    /// <c>webhook</c> side effects.</summary>
    private static void AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>()
            .Bind(configuration.GetSection(WebhookOptions.Section))
            .Validate(o => o.SigningKey.Length >= WebhookOptions.MinSigningKeyLength,
                $"{WebhookOptions.Section}:SigningKey must be set to at least {WebhookOptions.MinSigningKeyLength} characters " +
                "(scripts/run-api.sh makes one in .local/ for development).")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookOptions>, AllowedNetworksValidation>();
        services.AddSingleton<WebhookDestinations>();

        services.AddHttpClient(WebhookSender.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                // A redirect is the receiver's answer, not something to follow with the signed body.
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                // Every connection goes to an address the destination policy allows, checked on the address connected to
                // (webhooks are HTTP/1.1 requests: HTTP/3 would connect over QUIC, without this callback). A proxy would
                // make the connection instead, so none is used.
                ConnectCallback = provider.GetRequiredService<WebhookDestinations>().ConnectAsync,
                UseProxy = false,
            });
        services.AddSingleton<WebhookSigner>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<ISideEffectDelivery>(sp => sp.GetRequiredService<WebhookSender>());
    }

    /// <summary>
    /// The dispatcher's queue: durable (its messages are in PostgreSQL until handled), with up to
    /// <c>MaxParallelSessions</c> sessions at once (see <see cref="DeliverSideEffectsHandler.Configure"/> for failures).
    /// Retries wake up through Wolverine's durable scheduled messages, which its durability agent polls for: every
    /// <c>RetryBaseDelay</c>, within 250 ms and 5 s (Wolverine's default is 5 s), so a retry is not much later than
    /// its backoff. Its inbox keeps a handled wake-up <see cref="KeepHandledWakeUps"/>, not Wolverine's 5 minutes (a
    /// wake-up is local and idempotent: nothing delivers it twice to be caught), and its own dead letters for
    /// <c>Retention</c>, not forever (the sweeper wakes their sessions again anyway).
    /// </summary>
    public static WolverineOptions ConfigureSideEffects(this WolverineOptions options, IConfiguration configuration)
    {
        var settings = configuration.GetSection(SideEffectsOptions.Section).Get<SideEffectsOptions>() ?? new SideEffectsOptions();
        options.PublishMessage<DeliverSideEffects>().ToLocalQueue(QueueName);
        options.LocalQueue(QueueName).UseDurableInbox().MaximumParallelMessages(Math.Clamp(settings.MaxParallelSessions, 1, 100));
        options.Durability.ScheduledJobPollingTime = TimeSpan.FromTicks(Math.Clamp(settings.RetryBaseDelay.Ticks,
            TimeSpan.FromMilliseconds(250).Ticks, TimeSpan.FromSeconds(5).Ticks));
        options.Durability.KeepAfterMessageHandling = KeepHandledWakeUps;
        // The backlog is in GET /admin/side-effects and the EventApi.SideEffects meter. Wolverine's own count of its stored
        // envelopes (a query every 5 s on every node, and a stack trace for each one that fails during an outage) is off.
        options.Durability.DurabilityMetricsEnabled = false;
        options.Durability.DeadLetterQueueExpirationEnabled = true;
        options.Durability.DeadLetterQueueExpiration = settings.Retention;
        return options;
    }

    /// <summary>The admin endpoints of the side effects: dead letters and the summary.</summary>
    public static RouteGroupBuilder MapSideEffectsAdmin(this RouteGroupBuilder admin)
    {
        GetSideEffectsEndpoint.Map(admin);
        GetDeadLettersEndpoint.Map(admin);
        ReplayDeadLetterEndpoint.Map(admin);
        ReplayDeadLettersEndpoint.Map(admin);
        DiscardDeadLetterEndpoint.Map(admin);
        return admin;
    }
}
