using Microsoft.AspNetCore.Http.HttpResults;

namespace EventApi.Api.Infrastructure;

/// <summary>
/// The stable <c>type</c> of every problem the API answers with (RFC 9457). Clients branch on these, never on
/// titles or details. They are URNs: stable names, not pages to fetch; docs/api.md lists them.
/// </summary>
public static class ProblemTypes
{
    private const string Prefix = "urn:eventapi:problem:";

    public const string ValidationFailed = Prefix + "validation-failed";
    public const string MalformedRequest = Prefix + "malformed-request";
    public const string InvalidHeader = Prefix + "invalid-header";
    public const string MissingToken = Prefix + "missing-token";
    public const string InvalidToken = Prefix + "invalid-token";
    public const string NotFound = Prefix + "not-found";
    public const string SessionNotFound = Prefix + "session-not-found";
    public const string MethodNotAllowed = Prefix + "method-not-allowed";
    public const string VersionMismatch = Prefix + "version-mismatch";
    public const string ConcurrencyConflict = Prefix + "concurrency-conflict";
    public const string RequestTooLarge = Prefix + "request-too-large";
    public const string NotAcceptable = Prefix + "not-acceptable";
    public const string UnsupportedMediaType = Prefix + "unsupported-media-type";
    public const string MoveChangesNothing = Prefix + "move-changes-nothing";
    public const string SessionNotActive = Prefix + "session-not-active";
    public const string IdempotencyKeyReused = Prefix + "idempotency-key-reused";
    public const string DatabaseUnavailable = Prefix + "database-unavailable";
    public const string NotReady = Prefix + "not-ready";
    public const string InternalError = Prefix + "internal-error";
    public const string InvalidDate = Prefix + "invalid-date";
    public const string PlayerNotFound = Prefix + "player-not-found";
    public const string VersionOutOfRange = Prefix + "version-out-of-range";
    public const string ChallengeNotAvailable = Prefix + "challenge-not-available";
    public const string ClaimNotFound = Prefix + "claim-not-found";
    public const string ClaimRejected = Prefix + "claim-rejected";
    public const string MissingAdminKey = Prefix + "missing-admin-key";
    public const string InvalidAdminKey = Prefix + "invalid-admin-key";
    public const string AdminDisabled = Prefix + "admin-disabled";
    public const string ProjectionNotFound = Prefix + "projection-not-found";
    public const string ProjectionRunsElsewhere = Prefix + "projection-runs-elsewhere";
    public const string RebuildInProgress = Prefix + "rebuild-in-progress";
    public const string RebuildFailed = Prefix + "rebuild-failed";
    public const string DeadLetterNotFound = Prefix + "dead-letter-not-found";
    public const string TooManyRequests = Prefix + "too-many-requests";
    public const string LiveCapacityReached = Prefix + "live-capacity-reached";

    /// <summary>The type for a bare status code that no endpoint described further.</summary>
    public static string ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => MalformedRequest,
        StatusCodes.Status401Unauthorized => MissingToken,
        StatusCodes.Status403Forbidden => InvalidToken,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status406NotAcceptable => NotAcceptable,
        StatusCodes.Status409Conflict => ConcurrencyConflict,
        StatusCodes.Status412PreconditionFailed => VersionMismatch,
        StatusCodes.Status413PayloadTooLarge => RequestTooLarge,
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
        StatusCodes.Status429TooManyRequests => TooManyRequests,
        StatusCodes.Status503ServiceUnavailable => DatabaseUnavailable,
        _ => InternalError,
    };
}

/// <summary>Builds problem results with a stable type.</summary>
public static class Problems
{
    public static ProblemHttpResult Create(int status, string type, string title, string? detail = null,
        IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: type, extensions: extensions);

    public static ProblemHttpResult SessionNotFound(Guid id) =>
        Create(StatusCodes.Status404NotFound, ProblemTypes.SessionNotFound, "Session not found",
            $"There is no session {id}.");

    public static ProblemHttpResult ClaimNotFound(Guid id) =>
        Create(StatusCodes.Status404NotFound, ProblemTypes.ClaimNotFound, "Claim not found",
            $"There is no claim {id}.");

    public static ProblemHttpResult DeadLetterNotFound(string id) =>
        Create(StatusCodes.Status404NotFound, ProblemTypes.DeadLetterNotFound, "Dead letter not found",
            $"There is no dead-lettered side effect '{(id.Length > 80 ? id[..80] : id)}' (it may have been replayed, discarded or delivered).");

    public static ProblemHttpResult InvalidDate(string value) =>
        Create(StatusCodes.Status400BadRequest, ProblemTypes.InvalidDate, "Invalid date",
            $"'{(value.Length > 40 ? value[..40] : value)}' is not a date in the form yyyy-MM-dd.");

    /// <summary>A <c>limit</c> query parameter outside 1 to <paramref name="max"/>: a 400 validation problem.</summary>
    public static ValidationProblem LimitOutOfRange(int max) => InvalidQuery(new() { ["limit"] = [LimitMessage(max)] });

    /// <summary>What a <c>limit</c> outside 1 to <paramref name="max"/> is told.</summary>
    public static string LimitMessage(int max) => $"'limit' must be from 1 to {max}.";

    /// <summary>Query parameters that parsed but are not allowed: a 400 validation problem with the messages of each
    /// parameter, by its name.</summary>
    public static ValidationProblem InvalidQuery(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "Validation failed", type: ProblemTypes.ValidationFailed);

    /// <summary>A limit refused the request; <c>Retry-After</c> says when to try again.</summary>
    public static ProblemHttpResult TooManyRequests(string why, int retryAfterSeconds) =>
        Create(StatusCodes.Status429TooManyRequests, ProblemTypes.TooManyRequests, "Too many requests",
            $"{why}. Try again in {retryAfterSeconds} second{(retryAfterSeconds == 1 ? "" : "s")}.");

    public static ProblemHttpResult InvalidHeader(string header, string detail) =>
        Create(StatusCodes.Status400BadRequest, ProblemTypes.InvalidHeader, $"Invalid {header} header", detail);
}
