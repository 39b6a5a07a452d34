using EventApi.Api.Infrastructure;
using EventApi.Projections.Claims;
using Marten;

namespace EventApi.Api.Features.Claims;

public static class GetClaimEndpoint
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/claims/{id:guid}", Handle)
            .WithName("getClaim")
            .WithSummary("Get a claim")
            .WithDescription("A recorded claim, verified or rejected, read from its inline projection in one query: what was claimed, the verdict and the game as the server's replay left it.")
            .Produces<ClaimResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static async Task<IResult> Handle(Guid id, IQuerySession session, CancellationToken ct)
    {
        var view = await session.LoadAsync<ClaimView>(id, ct);
        return view is null ? Problems.ClaimNotFound(id) : TypedResults.Ok(ClaimResponse.From(view.State));
    }
}
