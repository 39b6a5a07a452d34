using EventApi.Api.Features.SideEffects;
using EventApi.Api.Infrastructure;

namespace EventApi.Api.Features.Admin;

public static class AdminFeature
{
    /// <summary>Operating the daemon (its shards and rebuilds) and the side effects (their dead letters and figures),
    /// behind the admin key.</summary>
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin").WithTags("Admin").RequireAdminKey().NegotiatesJson();
        GetProjectionsEndpoint.Map(admin);
        RebuildProjectionEndpoint.Map(admin);
        admin.MapSideEffectsAdmin();
        return routes;
    }
}
