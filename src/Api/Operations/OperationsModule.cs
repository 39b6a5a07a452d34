using EventApi.Api.Features.SideEffects;
using EventApi.Api.Infrastructure;

namespace EventApi.Api.Operations;

/// <summary>
/// Operating the API: the admin key, the async daemon's state and rebuilds, the side effects' admin endpoints (mapped
/// here, behind the key, from their own module), and the health probes.
/// </summary>
public static class OperationsModule
{
    public static IServiceCollection AddOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAdminKey(configuration);
        services.AddSingleton<DaemonMonitor>();
        services.AddSingleton<ProjectionRebuilder>();
        services.AddHealth();
        return services;
    }

    /// <summary>The admin endpoints, behind the admin key, and the health probes.</summary>
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin").WithTags("Admin").RequireAdminKey().NegotiatesJson();
        GetProjectionsEndpoint.Map(admin);
        RebuildProjectionEndpoint.Map(admin);
        admin.MapSideEffectsAdmin();
        routes.MapHealth();
        return routes;
    }
}
