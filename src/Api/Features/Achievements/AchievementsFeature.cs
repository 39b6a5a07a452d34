using EventApi.Api.Infrastructure;
using Marten;

namespace EventApi.Api.Features.Achievements;

public static class AchievementsFeature
{
    /// <summary>Achievements, written by the side-effects dispatcher (see <c>Features/SideEffects</c>).</summary>
    public static StoreOptions ConfigureAchievements(this StoreOptions options)
    {
        options.Schema.For<Achievement>().Duplicate(a => a.Player);
        return options;
    }

    public static IEndpointRouteBuilder MapAchievements(this IEndpointRouteBuilder routes)
    {
        GetAchievementsEndpoint.Map(routes.MapGroup("").WithTags("Achievements").NegotiatesJson());
        return routes;
    }
}
