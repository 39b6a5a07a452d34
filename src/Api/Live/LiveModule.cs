using Marten;

namespace EventApi.Api.Live;

/// <summary>
/// The live module: spectators of any session, on any node. Its parts: <c>Notifications/</c> (the <c>NOTIFY</c> sent in
/// every append's transaction, and the node's one <c>LISTEN</c> connection), <c>Fanout/</c> (one feed per watched
/// session: one read per wake-up, frames made once, a bounded queue per spectator) and <c>Watching/</c> (the
/// <c>GET /sessions/{id}/live</c> stream).
/// </summary>
public static class LiveModule
{
    /// <summary>Every append to a session stream notifies the nodes (<see cref="SessionChangeNotifier"/>).</summary>
    public static StoreOptions ConfigureLive(this StoreOptions options)
    {
        options.Listeners.Add(new SessionChangeNotifier());
        return options;
    }

    public static IServiceCollection AddLive(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LiveOptions>()
            .Bind(configuration.GetSection(LiveOptions.Section))
            .Validate(o => o.MaxConnections >= 0, $"{LiveOptions.Section}:MaxConnections must be 0 (no live streams) or more.")
            .Validate(o => o.SpectatorBacklog is >= 1 and <= 100_000, $"{LiveOptions.Section}:SpectatorBacklog must be from 1 to 100000.")
            .Validate(o => o.HeartbeatInterval >= TimeSpan.FromSeconds(1), $"{LiveOptions.Section}:HeartbeatInterval must be at least 1 second.")
            .Validate(o => o.ReconnectDelay > TimeSpan.Zero, $"{LiveOptions.Section}:ReconnectDelay must be positive.")
            .Validate(o => o.RetryAfterWhenFull > TimeSpan.Zero, $"{LiveOptions.Section}:RetryAfterWhenFull must be positive.")
            .Validate(o => o.MaxConcurrentReads is >= 1 and <= 100, $"{LiveOptions.Section}:MaxConcurrentReads must be from 1 to 100.")
            .ValidateOnStart();
        services.AddSingleton<LiveSessions>();
        services.AddHostedService<SessionChangeListener>();
        // Streams end cleanly when the node stops, instead of being cut when the host's shutdown timeout runs out.
        services.AddHostedService<LiveShutdown>();
        return services;
    }

    public static IEndpointRouteBuilder MapLive(this IEndpointRouteBuilder routes)
    {
        WatchSessionEndpoint.Map(routes);
        return routes;
    }
}

/// <summary>Ends every live stream as soon as the host begins to stop.</summary>
internal sealed class LiveShutdown(IHostApplicationLifetime lifetime, LiveSessions live) : IHostedService
{
    private CancellationTokenRegistration _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = lifetime.ApplicationStopping.Register(live.EndAll);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _registration.DisposeAsync().AsTask();
}
