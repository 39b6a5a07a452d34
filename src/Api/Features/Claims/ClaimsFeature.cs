using EventApi.Api.Infrastructure;
using EventApi.Domain.Claims;
using EventApi.Projections.Claims;
using JasperFx.Events.Projections;
using Marten;

namespace EventApi.Api.Features.Claims;

public static class ClaimsFeature
{
    /// <summary>The claim streams (one event each) and their inline view.</summary>
    public static StoreOptions ConfigureClaims(this StoreOptions options)
    {
        options.Events.AddEventType<ClaimVerified>();
        options.Events.AddEventType<ClaimRejected>();

        options.Projections.Add<ClaimViewProjection>(ProjectionLifecycle.Inline);
        return options;
    }

    public static IEndpointRouteBuilder MapClaims(this IEndpointRouteBuilder routes)
    {
        var claims = routes.MapGroup("").WithTags("Claims").NegotiatesJson();
        SubmitClaimEndpoint.Map(claims);
        GetClaimEndpoint.Map(claims);
        return routes;
    }
}
