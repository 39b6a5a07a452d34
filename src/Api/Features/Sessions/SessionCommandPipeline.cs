using EventApi.Api.Infrastructure;
using EventApi.Api.Features.Sessions.Committing;
using EventApi.Api.Infrastructure.Idempotency;
using EventApi.Api.Infrastructure.RateLimiting;
using EventApi.Domain.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventApi.Api.Features.Sessions;

/// <summary>
/// The write path every command on an existing session takes: the request's bearer token, idempotency key and
/// If-Match are read here, and the command goes to the <see cref="SessionWriter"/>, which reads, decides and commits it
/// with the others that arrive with it (one round trip to read them all, one transaction to append what they decided).
/// </summary>
public sealed class SessionCommandPipeline(SessionWriter writer, IdempotencyKeys idempotency,
    FailedTokenAttempts failedTokens, RateLimitRefusals refusals)
{
    /// <param name="http">The request: its bearer token, If-Match and Idempotency-Key are read here.</param>
    /// <param name="id">The session.</param>
    /// <param name="name">The command's name in its route (moves, abandon): with the session, its idempotency scope.</param>
    /// <param name="body">The request body to hash for idempotency (null: the endpoint takes no key).</param>
    /// <param name="command">The command, given the time of the request.</param>
    /// <param name="ct">The request's cancellation.</param>
    public async Task<IResult> Execute<TBody>(HttpContext http, Guid id, string name, TBody? body,
        Func<DateTimeOffset, SessionCommand> command, CancellationToken ct)
        where TBody : class
    {
        if (ReadToken(http, id, out var token) is { } refused) return refused;

        IdempotencyKey? key = null;
        // The scope names the session by its id, so a key means the same whatever the casing of the URL.
        if (body is not null && idempotency.TryRead(http.Request, $"POST /sessions/{id:D}/{name}", body, out key) is { } badKey)
            return badKey;

        // No session has the empty id (Marten refuses it as a stream id).
        if (id == Guid.Empty) return Problems.SessionNotFound(id);

        var answer = await writer.ExecuteAsync(new PendingCommand(id, token, key, http.Request.Headers.IfMatch, command), ct);
        if (answer.ETag is { } etag) http.Response.Headers.ETag = etag;
        return answer.Result;
    }

    /// <summary>The bearer token, or the answer to a request without a usable one. A session that has had too many
    /// requests without its token is refused before the token is even compared.</summary>
    private IResult? ReadToken(HttpContext http, Guid id, out string token)
    {
        token = "";
        if (failedTokens.Refusal(id) is { } refused)
        {
            using (refused) return refusals.Refuse(http, refused, Limit.FailedTokens);
        }

        var presence = BearerTokens.TryRead(http.Request, out token);
        if (presence == BearerTokenPresence.Present) return null;
        failedTokens.Failed(id);
        return BearerTokens.Challenge(http, presence);
    }

    public static ProblemHttpResult VersionMismatch(long current) =>
        Problems.Create(StatusCodes.Status412PreconditionFailed, ProblemTypes.VersionMismatch,
            "Version mismatch", $"The session is at version {current}; If-Match named another.",
            new Dictionary<string, object?> { ["currentVersion"] = current });

    public static ProblemHttpResult ConcurrencyConflict(Guid id) =>
        Problems.Create(StatusCodes.Status409Conflict, ProblemTypes.ConcurrencyConflict, "Concurrent change",
            $"Session {id} changed while this request was handled; nothing was appended. Fetch it and try again.");

    public static ProblemHttpResult Rejected(Rejection rejection)
    {
        var type = rejection.Code switch
        {
            Rejection.MoveChangesNothing => ProblemTypes.MoveChangesNothing,
            Rejection.NotActive => ProblemTypes.SessionNotActive,
            _ => ProblemTypes.SessionNotActive,
        };
        var title = rejection.Code == Rejection.MoveChangesNothing ? "Move changes nothing" : "Session not active";
        var extensions = rejection.MoveIndex is { } index
            ? new Dictionary<string, object?> { ["moveIndex"] = index }
            : null;
        return Problems.Create(StatusCodes.Status422UnprocessableEntity, type, title, rejection.Detail, extensions);
    }
}
