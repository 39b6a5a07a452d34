using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EventApi.Api.Operations;
using EventApi.Api.Features.Challenges;
using EventApi.Api.Features.Claims;
using EventApi.Api.Features.Sessions;
using EventApi.Api.Features.SideEffects;
using EventApi.Api.Features.Statistics;
using EventApi.Api.Infrastructure.Idempotency;
using EventApi.Api.Live;
using EventApi.Domain.Claims;
using EventApi.Domain.Game;
using EventApi.Domain.Sessions;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace EventApi.Api.Infrastructure;

/// <summary>
/// The example of each problem in the OpenAPI document, made by the code that makes that problem for a real request
/// (the endpoints' factories, the validators, the exception handler) with example arguments, then completed by
/// <see cref="ProblemShape"/> as every problem is. The examples cannot drift from what the API answers.
/// </summary>
public static partial class ProblemExamples
{
    public static readonly Guid SessionId = Guid.Parse("0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10");
    public static readonly Guid ClaimId = Guid.Parse("0195f1c4-7b3e-7d2a-8c51-3e8f9a6b7d21");
    public const string TraceId = "0HNQENN6FNO8O:00000001";

    private static readonly DateTimeOffset At = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The example of <paramref name="type"/> as the operation <paramref name="method"/> at
    /// <paramref name="path"/> (its template, without the leading slash) answers it.</summary>
    public static JsonObject For(string type, string path, string method)
    {
        // The route's template may carry constraints ({id:guid}); the example's path names the parameters alone.
        path = RouteConstraint().Replace(path, "}");
        var problem = Make(type, path, method);
        var http = new DefaultHttpContext { TraceIdentifier = TraceId };
        http.Request.Path = "/" + path.Replace("{id}", path.StartsWith("claims", StringComparison.Ordinal) ? ClaimId.ToString() : SessionId.ToString(), StringComparison.Ordinal)
            .Replace("{player}", "alice", StringComparison.Ordinal).Replace("{day}", "2026-11-22", StringComparison.Ordinal)
            .Replace("{name}", "statistics", StringComparison.Ordinal);
        ProblemShape.Complete(problem, http);
        return JsonSerializer.SerializeToNode(problem, problem.GetType(), JsonSerializerOptions.Web)!.AsObject();
    }

    private static ProblemDetails Make(string type, string path, string method) => type switch
    {
        ProblemTypes.ValidationFailed => Validation(path, method),
        ProblemTypes.MalformedRequest => Classified(new BadHttpRequestException("Malformed JSON.", StatusCodes.Status400BadRequest,
            new JsonException("'}' is invalid after a property name.", "$", 0, 11))),
        ProblemTypes.InvalidHeader => path.EndsWith("moves", StringComparison.Ordinal) || path.EndsWith("abandon", StringComparison.Ordinal)
            ? Problems.InvalidHeader("If-Match", "If-Match must be \"*\" or a list of strong ETags such as \"7\".").ProblemDetails
            : Problems.InvalidHeader(IdempotencyKeys.HeaderName, "Idempotency-Key must be 1 to 255 visible ASCII characters.").ProblemDetails,
        ProblemTypes.InvalidDate => Problems.InvalidDate("2026-13-45").ProblemDetails,
        ProblemTypes.MissingToken => BearerTokens.MissingToken(BearerTokenPresence.Missing).ProblemDetails,
        ProblemTypes.InvalidToken => BearerTokens.Forbidden().ProblemDetails,
        ProblemTypes.MissingAdminKey => AdminKeyProblems.Missing(moreThanOne: false).ProblemDetails,
        ProblemTypes.InvalidAdminKey => AdminKeyProblems.Invalid().ProblemDetails,
        ProblemTypes.AdminDisabled => AdminKeyProblems.Disabled().ProblemDetails,
        ProblemTypes.SessionNotFound => Problems.SessionNotFound(SessionId).ProblemDetails,
        ProblemTypes.ClaimNotFound => Problems.ClaimNotFound(ClaimId).ProblemDetails,
        ProblemTypes.PlayerNotFound => GetPlayerStatisticsEndpoint.PlayerNotFound("alice").ProblemDetails,
        ProblemTypes.ChallengeNotAvailable => GetChallengeEndpoint.NotAvailable("2026-11-23", new DateOnly(2026, 11, 22)).ProblemDetails,
        ProblemTypes.DeadLetterNotFound => Problems.DeadLetterNotFound($"{SessionId}:274:webhook").ProblemDetails,
        ProblemTypes.ProjectionNotFound => RebuildProjectionEndpoint.NotFound("stats", ["leaderboard", "player-statistics", "session-timeline", "statistics"]).ProblemDetails,
        ProblemTypes.ProjectionRunsElsewhere => RebuildProjectionEndpoint.RunsElsewhere("statistics", 2).ProblemDetails,
        ProblemTypes.RebuildInProgress => RebuildProjectionEndpoint.InProgress("statistics").ProblemDetails,
        ProblemTypes.RebuildFailed => RebuildProjectionEndpoint.Failed("statistics", "A finished game's highest tile must be a power of two from 2, not 3.").ProblemDetails,
        ProblemTypes.ConcurrencyConflict => SessionCommandPipeline.ConcurrencyConflict(SessionId).ProblemDetails,
        ProblemTypes.VersionMismatch => SessionCommandPipeline.VersionMismatch(7).ProblemDetails,
        ProblemTypes.VersionOutOfRange => path.EndsWith("live", StringComparison.Ordinal)
            ? WatchSessionEndpoint.AfterTheEnd(SessionId, 9, 7).ProblemDetails
            : ReplaySessionEndpoint.VersionOutOfRange(SessionId, 7, 9).ProblemDetails,
        ProblemTypes.NotAcceptable => (path.EndsWith("live", StringComparison.Ordinal) ? AcceptFilter.EventStream : AcceptFilter.Json)
            .NotAcceptable().ProblemDetails,
        ProblemTypes.RequestTooLarge => RequestBodyLimit.TooLarge(300_000, HostSetup.DefaultMaxRequestBodyBytes),
        ProblemTypes.UnsupportedMediaType => Classified(new BadHttpRequestException("Unsupported media type.", StatusCodes.Status415UnsupportedMediaType)),
        ProblemTypes.MoveChangesNothing => SessionCommandPipeline.Rejected(
            new Rejection(Rejection.MoveChangesNothing, "Move 2 (left) moves no tile.", 2)).ProblemDetails,
        ProblemTypes.SessionNotActive => SessionCommandPipeline.Rejected(
            new Rejection(Rejection.NotActive, "Move 0 (left) cannot be played: the session is over.", 0)).ProblemDetails,
        ProblemTypes.ClaimRejected => SubmitClaimEndpoint.Rejected(RejectedClaim()).ProblemDetails,
        ProblemTypes.IdempotencyKeyReused => IdempotencyKey.Reused().ProblemDetails,
        ProblemTypes.TooManyRequests => Problems.TooManyRequests(path switch
        {
            "sessions" => "Too many sessions were started from this address",
            "claims" => "Too many claims were submitted from this address",
            _ => "Too many requests to this session came with a missing or wrong token",
        }, 30).ProblemDetails,
        ProblemTypes.LiveCapacityReached => WatchSessionEndpoint.Full(new DefaultHttpContext(), new LiveOptions()).ProblemDetails,
        ProblemTypes.DatabaseUnavailable => Classified(new TimeoutException("The connection pool has been exhausted.")),
        ProblemTypes.NotFound => new ProblemDetails { Status = StatusCodes.Status404NotFound },
        _ => Classified(new InvalidOperationException("An example of an unexpected error.")),
    };

    /// <summary>The validators' own answer to an example of bad input.</summary>
    private static ProblemDetails Validation(string path, string method)
    {
        if (path == "sessions" && HttpMethods.IsGet(method)) return ListSessionsEndpoint.InvalidQuery("finished", 0)!.ProblemDetails;
        if (path.StartsWith("admin/dead-letters", StringComparison.Ordinal))
            return Failed(new DeadLetterQueryValidator().Validate(new DeadLetterQuery { SessionId = "zz" }));
        if (path.StartsWith("leaderboard", StringComparison.Ordinal)) return Problems.LimitOutOfRange(100).ProblemDetails;
        if (path.EndsWith("replay", StringComparison.Ordinal)) return ReplaySessionEndpoint.ExactlyOneMoment().ProblemDetails;
        if (path.EndsWith("live", StringComparison.Ordinal)) return WatchSessionEndpoint.AfterNegative().ProblemDetails;
        if (path.EndsWith("events", StringComparison.Ordinal)) return GetSessionEventsEndpoint.InvalidPage(-1, 0)!.ProblemDetails;
        if (path.EndsWith("moves", StringComparison.Ordinal))
            return Failed(new MakeMovesValidator().Validate(new MakeMovesRequest { Moves = ["left", "north"] }));
        if (path == "claims")
        {
            return Failed(new SubmitClaimValidator().Validate(
                new SubmitClaimRequest { Player = "alice", Seed = 12345, Moves = ["left", "north"], ClaimedScore = 0 }));
        }

        return Failed(new StartSessionValidator(new WebhookDestinations(Options.Create(new WebhookOptions())))
            .Validate(new StartSessionRequest { Player = "" }));
    }

    private static ProblemDetails Failed(FluentValidation.Results.ValidationResult result) => ValidationProblems.Failed(result).ProblemDetails;

    /// <summary>A claim the engine refutes: seed 12345's left, up, right score 4, not 40.</summary>
    private static ClaimState RejectedClaim() =>
        ClaimDecider.Decide(new SubmitClaim(ClaimId, "alice", 12345, [Direction.Left, Direction.Up, Direction.Right], 40, null, At)).State;

    private static ProblemDetails Classified(Exception exception)
    {
        var (status, type, title, detail) = ProblemExceptionHandler.Classify(exception);
        return new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail };
    }

    [GeneratedRegex(":[^{}]+}")]
    private static partial Regex RouteConstraint();
}
