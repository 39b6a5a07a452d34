using EventApi.Api.Infrastructure;

namespace EventApi.Api.Features.Admin;

public static class AdminFeature
{
    /// <summary>Operating the daemon: its shards and rebuilds, behind the admin key.</summary>
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin").WithTags("Admin").RequireAdminKey().NegotiatesJson();
        GetProjectionsEndpoint.Map(admin);
        RebuildProjectionEndpoint.Map(admin);
        return routes;
    }
}
