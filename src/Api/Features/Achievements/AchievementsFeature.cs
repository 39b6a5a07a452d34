using EventApi.Api.Features.SideEffects;
using EventApi.Api.Infrastructure;
using Marten;

namespace EventApi.Api.Features.Achievements;

public static class AchievementsFeature
{
    /// <summary>Achievements, written by <see cref="AchievementDelivery"/> when the side-effects dispatcher delivers an
    /// <c>achievement</c> side effect (see <c>src/Api/SideEffects</c>).</summary>
    public static StoreOptions ConfigureAchievements(this StoreOptions options)
    {
        options.Schema.For<Achievement>().Duplicate(a => a.Player);
        return options;
    }

    /// <summary>The delivery of the <c>achievement</c> side effects.</summary>
    public static IServiceCollection AddAchievements(this IServiceCollection services) =>
        services.AddSingleton<ISideEffectDelivery, AchievementDelivery>();

    public static IEndpointRouteBuilder MapAchievements(this IEndpointRouteBuilder routes)
    {
        GetAchievementsEndpoint.Map(routes.MapGroup("").WithTags("Achievements").NegotiatesJson());
        return routes;
    }
}
