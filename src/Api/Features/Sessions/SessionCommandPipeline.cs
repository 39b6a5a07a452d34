using EventApi.Api.Infrastructure;
using EventApi.Api.Infrastructure.Idempotency;
using EventApi.Api.Infrastructure.RateLimiting;
using EventApi.Domain.Sessions;
using EventApi.Projections.Sessions;
using JasperFx.Events;
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
        if (ReadToken(http, id, out var token) is { } refused) return refused;

        IdempotencyKey? key = null;
        // The scope names the session by its id, so a key means the same whatever the casing of the URL.
        if (body is not null && idempotency.TryRead(http.Request, $"POST /sessions/{id:D}/{name}", body, out key) is { } badKey)
            return badKey;

        // No session has the empty id (Marten refuses it as a stream id).
        if (id == Guid.Empty) return Problems.SessionNotFound(id);

        var (stream, access, record) = await ReadAsync(id, key, ct);
        var view = stream.Aggregate;
        if (view is null || view.State.Status == SessionStatus.NotStarted) return Problems.SessionNotFound(id);
        if (access is null || !access.Admits(token))
        {
            failedTokens.Failed(id);
            return BearerTokens.Forbidden();
        }

        var now = clock.GetUtcNow();
        if (key?.Replay(record, now) is { } replay) return replay;
        if (IfMatchFails(http, view.Version) is { } precondition) return precondition;

        var decision = SessionDecider.Decide(command(now), view.State);
        if (decision.Rejection is { } rejection) return Rejected(rejection);
        return await AppendAsync(http, stream, view, decision.Events, key, now, ct);
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

    /// <summary>The one round trip that reads the session for writing, its access record and any idempotency record.</summary>
    private async Task<(IEventStream<SessionView> Stream, SessionAccess? Access, IdempotencyRecord? Record)> ReadAsync(
        Guid id, IdempotencyKey? key, CancellationToken ct)
    {
        var batch = session.CreateBatchQuery();
        var streamTask = batch.Events.FetchForWriting<SessionView>(id);
        var accessTask = batch.Load<SessionAccess>(id);
        var recordTask = key is null ? null : batch.Load<IdempotencyRecord>(key.RecordId);
        await batch.Execute(ct);
        return (await streamTask, await accessTask, recordTask is null ? null : await recordTask);
    }

    /// <summary>The answer to an If-Match that cannot be read (400) or names another version (412); null when it holds.</summary>
    private static IResult? IfMatchFails(HttpContext http, long version)
    {
        if (!ETags.TryMatchIfMatch(http.Request, version, out var matches))
            return Problems.InvalidHeader("If-Match", "If-Match must be \"*\" or a list of strong ETags such as \"7\".");
        if (matches) return null;
        http.Response.Headers.ETag = ETags.For(version);
        return VersionMismatch(version);
    }

    /// <summary>The one transaction: the decided events (stamped with the command's time), the inline view and the
    /// idempotency record. A lost race is a 409, or the winner's answer when it carried the same key.</summary>
    private async Task<IResult> AppendAsync(HttpContext http, IEventStream<SessionView> stream, SessionView view,
        IReadOnlyList<object> events, IdempotencyKey? key, DateTimeOffset now, CancellationToken ct)
    {
        stream.AppendMany(events);
        stream.Events.StampedAt(now);
        var version = view.Version + events.Count;
        var response = SessionResponse.From(version, events.Aggregate(view.State, SessionDecider.Evolve));
        var etag = ETags.For(version);
        key?.Record(session, StatusCodes.Status200OK, response, null, etag, now);

        // Another request appended first: the client must re-read the session (unless it was this one's retry).
        if (await IdempotencyKey.CommitAsync(session, key, now, () => ConcurrencyConflict(view.Id), ct) is { } lost) return lost;

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
