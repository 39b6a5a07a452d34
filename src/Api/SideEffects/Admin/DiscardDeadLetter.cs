using EventApi.Api.Infrastructure;
using Marten;
using Wolverine.Runtime;

namespace EventApi.Api.Features.SideEffects;

/// <summary>A dead letter given up on.</summary>
public sealed record DiscardResponse
{
    /// <example>0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10:274:webhook</example>
    public required string Id { get; init; }

    /// <example>0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10</example>
    public required Guid SessionId { get; init; }

    /// <summary>Always discarded.</summary>
    /// <example>discarded</example>
    public required string Status { get; init; }

    /// <summary>Side effects of the session that waited behind it and are now on their way, in order.</summary>
    /// <example>1</example>
    public required int Released { get; init; }
}

public static class DiscardDeadLetterEndpoint
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapDelete("/dead-letters/{id}", Handle)
            .WithName("discardDeadLetter")
            .WithSummary("Discard a dead letter")
            .WithDescription("Gives up on the dead letter: it is kept, marked discarded, and never delivered. The side effects of its session that waited behind it are released and delivered in order.")
            .Produces<DiscardResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <param name="id">The dead letter's id, as GET /admin/dead-letters lists it.</param>
    /// <param name="store">Marten.</param>
    /// <param name="runtime">Wolverine.</param>
    /// <param name="clock">The time of the discard.</param>
    /// <param name="ct">The request's cancellation.</param>
    public static async Task<IResult> Handle(string id, IDocumentStore store, IWolverineRuntime runtime, TimeProvider clock, CancellationToken ct)
    {
        if (await DeadLetters.DiscardAsync(store, runtime, id, clock.GetUtcNow(), ct) is not var (discarded, released)) return Problems.DeadLetterNotFound(id);
        return TypedResults.Ok(new DiscardResponse
        {
            Id = discarded.Id,
            SessionId = discarded.SessionId,
            Status = discarded.Status,
            Released = released,
        });
    }
}
