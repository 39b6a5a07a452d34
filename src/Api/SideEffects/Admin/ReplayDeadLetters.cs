using EventApi.Api.Infrastructure;
using Marten;
using Wolverine.Runtime;

namespace EventApi.Api.Features.SideEffects;

/// <summary>Dead letters put back in their sessions' queues.</summary>
public sealed record ReplayResponse
{
    /// <summary>Dead letters replayed: back to pending with their attempts reset.</summary>
    /// <example>1</example>
    public required int Replayed { get; init; }

    /// <summary>Sessions woken: each delivers its replayed side effect, then the ones that waited behind it, in order.</summary>
    /// <example>1</example>
    public required int Sessions { get; init; }
}

public static class ReplayDeadLetterEndpoint
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapPost("/dead-letters/{id}/replay", Handle)
            .WithName("replayDeadLetter")
            .WithSummary("Replay a dead letter")
            .WithDescription("Puts the dead letter back at the head of its session's queue, pending with its attempts reset, and wakes the session. 202: it is queued; it is delivered next, then the side effects that waited behind it, in stream order. A failure starts its retries over.")
            .Produces<ReplayResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <param name="id">The dead letter's id, as GET /admin/dead-letters lists it.</param>
    /// <param name="store">Marten.</param>
    /// <param name="runtime">Wolverine.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="ct">The request's cancellation.</param>
    public static async Task<IResult> Handle(string id, IDocumentStore store, IWolverineRuntime runtime, TimeProvider clock, CancellationToken ct)
    {
        var (replayed, sessions) = await DeadLetters.ReplayAsync(store, runtime, [id], clock.GetUtcNow(), ct);
        return replayed == 0
            ? Problems.DeadLetterNotFound(id)
            : TypedResults.Accepted((string?)null, new ReplayResponse { Replayed = replayed, Sessions = sessions });
    }
}

public static class ReplayDeadLettersEndpoint
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapPost("/dead-letters/replay", Handle)
            .WithName("replayDeadLetters")
            .WithSummary("Replay the dead letters that match")
            .WithDescription("Replays every dead letter that matches the filters (all of them without any), as POST /admin/dead-letters/{id}/replay does one, in transactions of 500. Dead letters made after the request started are left alone, so a replay that fails again at once is not replayed twice. 202 with how many were queued.")
            .Validate<DeadLetterQuery>()
            .Produces<ReplayResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <param name="query">The filters.</param>
    /// <param name="store">Marten.</param>
    /// <param name="runtime">Wolverine.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="ct">The request's cancellation.</param>
    public static async Task<IResult> Handle([AsParameters] DeadLetterQuery query, IDocumentStore store, IWolverineRuntime runtime,
        TimeProvider clock, CancellationToken ct)
    {
        var startedAt = clock.GetUtcNow();
        int replayed = 0, sessions = 0;
        while (true)
        {
            await using var read = store.QuerySession();
            var ids = await query.Apply(read.Query<SideEffect>())
                .Where(s => s.DeadLetteredAt <= startedAt)
                .OrderBy(s => s.DeadLetteredAt).ThenBy(s => s.Id)
                .Select(s => s.Id)
                .Take(DeadLetters.ReplayPage)
                .ToListAsync(ct);
            if (ids.Count == 0) break;

            var page = await DeadLetters.ReplayAsync(store, runtime, ids.ToArray(), clock.GetUtcNow(), ct);
            replayed += page.Replayed;
            sessions += page.Sessions;
        }

        return TypedResults.Accepted((string?)null, new ReplayResponse { Replayed = replayed, Sessions = sessions });
    }
}
