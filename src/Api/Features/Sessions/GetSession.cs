using EventApi.Api.Infrastructure;
using EventApi.Projections.Sessions;
using Marten;

namespace EventApi.Api.Features.Sessions;

public static class GetSessionEndpoint
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/sessions/{id:guid}", Handle)
            .WithName("getSession")
            .WithSummary("Get a session")
            .WithDescription("The session's current view, read from its inline projection in one query. ETag is the stream version; send If-None-Match with it to get 304 while nothing changed.")
            .DocumentHeaders([HeaderDocs.IfNoneMatch], (200, HeaderDocs.ETag), (304, HeaderDocs.ETag))
            .Produces<SessionResponse>()
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static async Task<IResult> Handle(Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var view = await session.LoadAsync<SessionView>(id, ct);
        if (view is null) return Problems.SessionNotFound(id);

        http.Response.Headers.ETag = ETags.For(view.Version);
        if (ETags.IfNoneMatchHits(http.Request, view.Version)) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.Ok(SessionResponse.From(view.Version, view.State));
    }
}
