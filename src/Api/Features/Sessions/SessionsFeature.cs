using System.Collections.Frozen;
using EventApi.Api.Infrastructure;
using EventApi.Api.Features.Sessions.Archiving;
using EventApi.Api.Features.Sessions.Committing;
using EventApi.Api.Infrastructure.Daemon;
using EventApi.Domain.Sessions;
using EventApi.Projections.Sessions;
using EventApi.Projections.Timelines;
using JasperFx.Events.Projections;
using Marten;

namespace EventApi.Api.Features.Sessions;

public static class SessionsFeature
{
    /// <summary>The names the first version stored the events that changed shape under. The store upcasts those rows on
    /// read, and the daemon feeds them to every projection that declares the new type.</summary>
    public static readonly FrozenDictionary<Type, string> FirstVersionNames = new Dictionary<Type, string>
    {
        [typeof(SessionStarted)] = "session_started",
        [typeof(GameOver)] = "game_over",
        [typeof(SessionAbandoned)] = "session_abandoned",
    }.ToFrozenDictionary();

    /// <summary>The index that lists sessions by status, most recently changed first.</summary>
    public const string SessionListIndex = "mt_doc_sessionview_idx_status_updated_at_id";

    /// <summary>The session streams, their inline view and their access records.</summary>
    public static StoreOptions ConfigureSessions(this StoreOptions options)
    {
        options.AddSessionEvents();
        options.AddSessionView();
        // GET /sessions: the sessions of a status, most recently changed first. One computed index on the view's JSON
        // answers both the filter and the order (scanned backwards, so no column is descending); the list's LINQ query
        // (ListSessionsEndpoint.Query) writes the same expressions. It adds no column, so creating it at start-up
        // indexes the sessions that exist already. (Duplicated fields would add two columns to fill, and Marten indexes
        // each of them besides: more for every move to update.) Not CONCURRENTLY: that would wait for ever on the
        // transactions the daemon and Wolverine keep open around their advisory locks.
        options.Schema.For<SessionView>().Index(v => new { v.State.Status, v.State.UpdatedAt, v.Id },
            index => index.Name = SessionListIndex);
        options.Projections.Add(new SessionTimelineProjection(), ProjectionLifecycle.Async, asyncConfiguration: ProjectionsSetup.LargeBatches);
        options.Schema.For<SessionTimelineSegment>().Duplicate(s => s.SessionId);
        options.Schema.For<SessionAccess>();
        return options;
    }

    /// <summary>The session events under the names they are stored with, and the upcasts of the first version's rows:
    /// every store that reads or writes session streams (the API's, the bench's) registers them here.</summary>
    public static StoreOptions AddSessionEvents(this StoreOptions options)
    {
        // The second version of the events that reveal what a game draws from is stored as session_started_v2,
        // game_over_v2 and session_abandoned_v2; the first version's rows keep their names and are upcast on read.
        options.Events.MapEventTypeWithSchemaVersion<SessionStarted>(2);
        options.Events.MapEventTypeWithSchemaVersion<GameOver>(2);
        options.Events.MapEventTypeWithSchemaVersion<SessionAbandoned>(2);
        options.Events.Upcast<SessionStartedV1, SessionStarted>(FirstVersionNames[typeof(SessionStarted)], v1 => v1.Upcast());
        options.Events.Upcast<GameOverV1, GameOver>(FirstVersionNames[typeof(GameOver)], v1 => v1.Upcast());
        options.Events.Upcast<SessionAbandonedV1, SessionAbandoned>(FirstVersionNames[typeof(SessionAbandoned)], v1 => v1.Upcast());
        options.Events.AddEventType<TilesMoved>();
        options.Events.AddEventType<MilestoneReached>();
        return options;
    }

    public static IServiceCollection AddSessions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SessionWriterOptions>()
            .Bind(configuration.GetSection(SessionWriterOptions.Section))
            .Validate(o => o.Writers is >= 1 and <= 64, $"{SessionWriterOptions.Section}:Writers must be from 1 to 64.")
            .Validate(o => o.MaxGroup is >= 1 and <= 1000, $"{SessionWriterOptions.Section}:MaxGroup must be from 1 to 1000.")
            .ValidateOnStart();
        services.AddSingleton<SessionWriter>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(SessionWriter.MeterName));
        return services.AddScoped<SessionCommandPipeline>()
            .AddArchiving(configuration);
    }

    public static IEndpointRouteBuilder MapSessions(this IEndpointRouteBuilder routes)
    {
        var sessions = routes.MapGroup("").WithTags("Sessions").NegotiatesJson();
        StartSessionEndpoint.Map(sessions);
        ListSessionsEndpoint.Map(sessions);
        GetSessionEndpoint.Map(sessions);
        MakeMovesEndpoint.Map(sessions);
        AbandonSessionEndpoint.Map(sessions);
        GetSessionEventsEndpoint.Map(sessions);
        GetSessionTimelineEndpoint.Map(sessions);
        ReplaySessionEndpoint.Map(sessions);
        return routes;
    }
}
