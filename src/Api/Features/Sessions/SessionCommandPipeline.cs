using EventApi.Api.Infrastructure;
using EventApi.Api.Infrastructure.Idempotency;
using EventApi.Api.Infrastructure.RateLimiting;
using EventApi.Domain.Sessions;
using EventApi.Projections.Sessions;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventApi.Api.Features.Sessions;

/// <summary>
/// The write path every command on an existing session takes, in two round trips to PostgreSQL: one batch that
/// reads the session (for writing), its access record and any idempotency record; then one transaction that
/// appends the decided events, updates the inline view and stores the idempotency record.
/// </summary>
public sealed class SessionCommandPipeline(IDocumentSession session, TimeProvider clock, IdempotencyKeys idempotency,
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
        // A session that has had too many requests without its token is refused before the token is even compared.
        if (failedTokens.Refusal(id) is { } refused)
        {
            using (refused) return refusals.Refuse(http, refused, Limit.FailedTokens);
        }

        var presence = BearerTokens.TryRead(http.Request, out var token);
        if (presence != BearerTokenPresence.Present)
        {
            failedTokens.Failed(id);
            return BearerTokens.Challenge(http, presence);
        }

        IdempotencyKey? key = null;
        // The scope names the session by its id, so a key means the same whatever the casing of the URL.
        var scope = $"POST /sessions/{id:D}/{name}";
        if (body is not null && idempotency.TryRead(http.Request, scope, body, out key) is { } badKey)
            return badKey;

        // No session has the empty id (Marten refuses it as a stream id).
        if (id == Guid.Empty) return Problems.SessionNotFound(id);

        var batch = session.CreateBatchQuery();
        var streamTask = batch.Events.FetchForWriting<SessionView>(id);
        var accessTask = batch.Load<SessionAccess>(id);
        var recordTask = key is null ? null : batch.Load<IdempotencyRecord>(key.RecordId);
        await batch.Execute(ct);

        var stream = await streamTask;
        var view = stream.Aggregate;
        if (view is null || view.State.Status == SessionStatus.NotStarted) return Problems.SessionNotFound(id);

        var access = await accessTask;
        if (access is null || !access.Admits(token))
        {
            failedTokens.Failed(id);
            return BearerTokens.Forbidden();
        }

        var now = clock.GetUtcNow();
        if (key?.Replay(await recordTask!, now) is { } replay) return replay;

        if (!ETags.TryMatchIfMatch(http.Request, view.Version, out var matches))
            return Problems.InvalidHeader("If-Match", "If-Match must be \"*\" or a list of strong ETags such as \"7\".");
        if (!matches)
        {
            http.Response.Headers.ETag = ETags.For(view.Version);
            return VersionMismatch(view.Version);
        }

        var decision = SessionDecider.Decide(command(now), view.State);
        if (decision.Rejection is { } rejection) return Rejected(rejection);

        stream.AppendMany(decision.Events);
        stream.Events.StampedAt(now);
        var version = view.Version + decision.Events.Count;
        var state = decision.Events.Aggregate(view.State, SessionDecider.Evolve);
        var response = SessionResponse.From(version, state);
        var etag = ETags.For(version);

        key?.Record(session, StatusCodes.Status200OK, response, null, etag, now);

        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is ConcurrencyException or DocumentAlreadyExistsException)
        {
            // Another request appended first. If it carried the same key, this is its retry: answer as it was
            // answered. Otherwise the client must re-read the session.
            return (key is null ? null : await key.ReplayWinnerAsync(session.DocumentStore, now, ct))
                   ?? ConcurrencyConflict(id);
        }

        http.Response.Headers.ETag = etag;
        return TypedResults.Ok(response);
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
