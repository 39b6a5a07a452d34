using EventApi.Api.Infrastructure;

namespace EventApi.Api.Features.Challenges;

public static class ChallengesFeature
{
    public static IServiceCollection AddChallenges(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ChallengeOptions>()
            .Bind(configuration.GetSection("EventApi:Challenges"))
            .Validate(o => o.Secret.Length >= ChallengeOptions.MinSecretLength,
                $"EventApi:Challenges:Secret must be set to at least {ChallengeOptions.MinSecretLength} characters " +
                "(scripts/run-api.sh makes one in .local/ for development).")
            .ValidateOnStart();
        services.AddSingleton<DailyChallenges>();
        return services;
    }

    public static IEndpointRouteBuilder MapChallenges(this IEndpointRouteBuilder routes)
    {
        GetChallengeEndpoint.Map(routes.MapGroup("").WithTags("Challenges").NegotiatesJson());
        return routes;
    }
}
