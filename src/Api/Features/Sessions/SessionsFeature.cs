using EventApi.Api.Infrastructure;
using EventApi.Api.Infrastructure.Daemon;
using EventApi.Domain.Sessions;
using EventApi.Projections.Sessions;
using EventApi.Projections.Timelines;
using JasperFx.Events.Projections;
using Marten;

namespace EventApi.Api.Features.Sessions;

public static class SessionsFeature
{
    /// <summary>The session streams, their inline view and their access records.</summary>
    public static StoreOptions ConfigureSessions(this StoreOptions options)
    {
        options.Events.AddEventType<SessionStarted>();
        options.Events.AddEventType<TilesMoved>();
        options.Events.AddEventType<MilestoneReached>();
        options.Events.AddEventType<GameOver>();
        options.Events.AddEventType<SessionAbandoned>();

        options.Projections.Add<SessionViewProjection>(ProjectionLifecycle.Inline);
        options.Projections.Add(new SessionTimelineProjection(), ProjectionLifecycle.Async, asyncConfiguration: ProjectionsSetup.LargeBatches);
        options.Schema.For<SessionTimelineSegment>().Duplicate(s => s.SessionId);
        options.Schema.For<SessionAccess>();
        return options;
    }

    public static IServiceCollection AddSessions(this IServiceCollection services) =>
        services.AddScoped<SessionCommandPipeline>();

    public static IEndpointRouteBuilder MapSessions(this IEndpointRouteBuilder routes)
    {
        var sessions = routes.MapGroup("").WithTags("Sessions").NegotiatesJson();
        StartSessionEndpoint.Map(sessions);
        GetSessionEndpoint.Map(sessions);
        MakeMovesEndpoint.Map(sessions);
        AbandonSessionEndpoint.Map(sessions);
        GetSessionEventsEndpoint.Map(sessions);
        GetSessionTimelineEndpoint.Map(sessions);
        ReplaySessionEndpoint.Map(sessions);
        return routes;
    }
}
