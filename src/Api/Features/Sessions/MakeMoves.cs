using System.ComponentModel.DataAnnotations;
using EventApi.Api.Infrastructure;
using EventApi.Domain.Game;
using EventApi.Domain.Sessions;
using FluentValidation;

namespace EventApi.Api.Features.Sessions;

/// <summary>Moves to play in order, all or nothing.
/// The attributes state the contract in the OpenAPI document; the validator below enforces it, with the same limits.</summary>
public sealed record MakeMovesRequest
{
    public const int MaxMoves = 1000;

    /// <summary>1 to 1000 of up, right, down, left.</summary>
    /// <example>["left","up","right"]</example>
    [Required, Length(1, MaxMoves), ItemsAre(typeof(Direction))]
    public IReadOnlyList<string>? Moves { get; init; }
}

public sealed class MakeMovesValidator : AbstractValidator<MakeMovesRequest>
{
    public MakeMovesValidator()
    {
        this.MustBeMoves(r => r.Moves, MakeMovesRequest.MaxMoves);
    }
}

public static class MakeMovesEndpoint
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapPost("/sessions/{id:guid}/moves", Handle)
            .WithName("makeMoves")
            .WithSummary("Play moves")
            .WithDescription("Plays 1 to 1000 moves in order, all or nothing, in one append. A move that moves no tile, or any move once the session is not active, is refused with 422 naming the move's index, and nothing is appended. Send If-Match with the session's ETag to act only on the version you saw (412 otherwise); a request that loses a race is 409. Send an Idempotency-Key to retry safely.")
            .Validate<MakeMovesRequest>()
            .DocumentHeaders([HeaderDocs.IfMatch, HeaderDocs.IdempotencyKey], (200, HeaderDocs.ETag))
            .Produces<SessionResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static Task<IResult> Handle(Guid id, MakeMovesRequest request, HttpContext http,
        SessionCommandPipeline pipeline, CancellationToken ct)
    {
        var moves = InputRules.ToDirections(request.Moves!);
        return pipeline.Execute(http, id, "moves", request, at => new MakeMoves(moves, at), ct);
    }
}
