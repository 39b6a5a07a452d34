using EventApi.Api.Infrastructure;
using EventApi.Api.Infrastructure.Daemon;
using EventApi.Projections.Statistics;
using JasperFx.Events.Projections;
using Marten;

namespace EventApi.Api.Features.Statistics;

public static class StatisticsFeature
{
    /// <summary>Global and daily statistics (one projection), and player statistics, built by the async daemon.</summary>
    public static StoreOptions ConfigureStatistics(this StoreOptions options)
    {
        options.Projections.Add<StatisticsProjection>(ProjectionLifecycle.Async, ProjectionsSetup.LargeBatches);
        options.Projections.Add<PlayerStatisticsProjection>(ProjectionLifecycle.Async, ProjectionsSetup.LargeBatches);
        return options;
    }

    public static IEndpointRouteBuilder MapStatistics(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("").WithTags("Statistics").NegotiatesJson();
        GetStatisticsEndpoint.Map(group);
        GetDailyStatisticsEndpoint.Map(group);
        GetPlayerStatisticsEndpoint.Map(group);
        return routes;
    }
}
