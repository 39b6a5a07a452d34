using System.ComponentModel.DataAnnotations;
using EventApi.Api.Features.Challenges;
using EventApi.Api.Infrastructure;
using EventApi.Api.Infrastructure.Idempotency;
using EventApi.Api.Infrastructure.RateLimiting;
using EventApi.Domain.Claims;
using EventApi.Domain.Game;
using EventApi.Projections.Claims;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventApi.Api.Features.Claims;

/// <summary>A game played offline, for the server to replay and record.
/// The attributes state the contract in the OpenAPI document; the validator below enforces it, with the same limits.</summary>
public sealed record SubmitClaimRequest
{
    public const int MaxMoves = 100_000;

    /// <summary>Who played: 1 to 32 printable characters.</summary>
    /// <example>alice</example>
    [Required, Length(1, InputRules.MaxPlayerLength)]
    public string? Player { get; init; }

    /// <summary>The game's seed, 0 to 4294967295.</summary>
    /// <example>12345</example>
    [Required, Range(0, uint.MaxValue)]
    public long? Seed { get; init; }

    /// <summary>Every move in the order it was played: 1 to 100000 of up, right, down, left. Each must move a tile.</summary>
    /// <example>["left","up","right"]</example>
    [Required, Length(1, MaxMoves), ItemsAre(typeof(Direction))]
    public IReadOnlyList<string>? Moves { get; init; }

    /// <summary>The score the game reached (the sum of every merged tile's value), 0 or more.</summary>
    /// <example>4</example>
    [Required, Range(0, int.MaxValue)]
    public long? ClaimedScore { get; init; }
}

public sealed class SubmitClaimValidator : AbstractValidator<SubmitClaimRequest>
{
    public SubmitClaimValidator()
    {
        RuleFor(r => r.Player).MustBeAPlayer();
        RuleFor(r => r.Seed).NotNull().WithMessage("'seed' is required.").MustBeASeed();
        this.MustBeMoves(r => r.Moves, SubmitClaimRequest.MaxMoves);
        RuleFor(r => r.ClaimedScore)
            .NotNull().WithMessage("'claimedScore' is required.")
            .InclusiveBetween(0, int.MaxValue).WithMessage($"'claimedScore' must be a whole number from 0 to {int.MaxValue}.");
    }
}

public static class SubmitClaimEndpoint
{
    /// <summary>100,000 moves as JSON strings are about 800 KB.</summary>
    public const long MaxRequestBodyBytes = 2 * 1024 * 1024;

    private const string Scope = "POST /claims";

    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapPost("/claims", Handle)
            .WithName("submitClaim")
            .WithSummary("Submit a claim")
            .WithDescription("Submits a game played offline: the seed, every move and the score it reached. The server replays the moves with the engine and records the verdict as the claim's own stream. Verified (every move moved a tile of a game that was not over, and the replay reached the claimed score exactly): 201 with the replayed game, and the claim counts for the statistics and the leaderboards (and for the day's challenge when its seed is the challenge seed of the day it is submitted on). Rejected: 422 naming the claim, the refused move's index (null when only the score disagrees), the reason and the replayed score; a rejected claim is recorded too. The body may be up to 2 MiB. Send an Idempotency-Key to retry safely.")
            .Validate<SubmitClaimRequest>()
            .LimitedPerClient(RateLimitPolicies.Claims)
            .LimitsClaimVerification()
            .WithRequestSizeLimit(MaxRequestBodyBytes)
            .DocumentHeaders([HeaderDocs.IdempotencyKey], (201, HeaderDocs.Location))
            .Produces<ClaimResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static async Task<IResult> Handle(
        SubmitClaimRequest request,
        HttpContext http,
        IDocumentSession session,
        TimeProvider clock,
        IdempotencyKeys idempotency,
        DailyChallenges challenges,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (key, answer) = await idempotency.BeginAsync(http.Request, Scope, request, session, now, ct);
        if (answer is not null) return answer;

        var id = Guid.CreateVersion7(now);
        var seed = (uint)request.Seed!.Value;
        var decision = ClaimDecider.Decide(new SubmitClaim(id, request.Player!, seed, InputRules.ToDirections(request.Moves!),
            (int)request.ClaimedScore!.Value, challenges.DayPlayedBy(seed, now), now));
        session.Events.StartStream<ClaimView>(id, decision.Event).Events.StampedAt(now);

        IResult result;
        if (decision.State.Verified)
        {
            var response = ClaimResponse.From(decision.State);
            var location = $"/claims/{id}";
            key?.Record(session, StatusCodes.Status201Created, response, location, null, now);
            result = TypedResults.Created(location, response);
        }
        else
        {
            var problem = Rejected(decision.State);
            // Completed before it is recorded, so that a retry gets this very problem, instance and trace id included.
            ProblemShape.Complete(problem.ProblemDetails, http);
            key?.Record(session, StatusCodes.Status422UnprocessableEntity, problem.ProblemDetails, null, null, now, problem.ContentType);
            result = problem;
        }

        return await IdempotencyKey.CommitAsync(session, key, now, lostRace: null, ct) ?? result;
    }

    public static ProblemHttpResult Rejected(ClaimState claim) =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, ProblemTypes.ClaimRejected, "Claim rejected", claim.Detail,
            new Dictionary<string, object?>
            {
                ["claimId"] = claim.Id,
                ["moveIndex"] = claim.MoveIndex,
                ["reason"] = claim.Reason,
                ["replayedScore"] = claim.Replay.Score,
            });
}
