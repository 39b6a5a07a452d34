using EventApi.Api.Infrastructure;
using EventApi.Domain.Sessions;

namespace EventApi.Api.Features.Sessions;

public static class AbandonSessionEndpoint
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapPost("/sessions/{id:guid}/abandon", Handle)
            .WithName("abandonSession")
            .WithSummary("Abandon a session")
            .WithDescription("Ends an active session and reveals what it drew from: its secret (a sealed session) or its seed. Honours If-Match like moves do.")
            .DocumentHeaders([HeaderDocs.IfMatch], (200, HeaderDocs.ETag))
            .Produces<SessionResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static Task<IResult> Handle(Guid id, HttpContext http, SessionCommandPipeline pipeline, CancellationToken ct) =>
        pipeline.Execute<object>(http, id, "abandon", null, at => new AbandonSession(at), ct);
}
