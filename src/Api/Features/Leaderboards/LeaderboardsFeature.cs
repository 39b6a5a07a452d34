using EventApi.Api.Infrastructure;
using EventApi.Api.Infrastructure.Daemon;
using EventApi.Projections.Leaderboards;
using JasperFx.Events.Projections;
using Marten;

namespace EventApi.Api.Features.Leaderboards;

public static class LeaderboardsFeature
{
    /// <summary>Finished games, built by the async daemon and indexed for the leaderboards' order.</summary>
    public static StoreOptions ConfigureLeaderboards(this StoreOptions options)
    {
        options.Projections.Add<FinishedGameProjection>(ProjectionLifecycle.Async, ProjectionsSetup.LargeBatches);
        options.Schema.For<FinishedGame>()
            .Duplicate(g => g.Score)
            .Duplicate(g => g.MoveCount)
            .Duplicate(g => g.FinishedAt)
            .Duplicate(g => g.ChallengeDay)
            .Duplicate(g => g.Finished);
        return options;
    }

    public static IEndpointRouteBuilder MapLeaderboards(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("").WithTags("Leaderboards").NegotiatesJson();
        GetLeaderboardEndpoint.Map(group);
        GetDailyLeaderboardEndpoint.Map(group);
        return routes;
    }
}
