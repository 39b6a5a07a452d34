using System.ComponentModel.DataAnnotations;
using EventApi.Api.Infrastructure;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Mvc;

namespace EventApi.Api.Features.SideEffects;

/// <summary>A side effect in the dead letters: it failed for good, and its session's later side effects wait behind it.</summary>
public sealed record DeadLetterResponse
{
    /// <summary><c>{sessionId}:{version}:{messageType}</c>.</summary>
    /// <example>0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10:274:webhook</example>
    public required string Id { get; init; }

    /// <example>0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10</example>
    public required Guid SessionId { get; init; }

    /// <summary>The stream version of the event.</summary>
    /// <example>274</example>
    public required long Version { get; init; }

    /// <summary>The event's global sequence.</summary>
    /// <example>1187</example>
    public required long Sequence { get; init; }

    /// <summary>The kind of side effect: webhook or achievement.</summary>
    /// <example>webhook</example>
    public required string MessageType { get; init; }

    /// <summary>The event's type.</summary>
    /// <example>milestone_reached</example>
    public required string EventType { get; init; }

    /// <summary>The callback URL of a webhook.</summary>
    /// <example>https://game.example.org/hooks/2048</example>
    public string? Url { get; init; }

    /// <summary>Failed attempts since the side effect was written or last replayed.</summary>
    /// <example>10</example>
    public required int Attempts { get; init; }

    /// <example>2026-11-22T12:04:10.3+00:00</example>
    public DateTimeOffset? FirstFailureAt { get; init; }

    /// <example>2026-11-22T12:12:41.9+00:00</example>
    public DateTimeOffset? LastFailureAt { get; init; }

    /// <example>2026-11-22T12:12:41.9+00:00</example>
    public required DateTimeOffset DeadLetteredAt { get; init; }

    /// <example>The receiver answered 503 Service Unavailable.</example>
    public string? LastError { get; init; }

    /// <example>EventApi.Api.Features.SideEffects.WebhookRejectedException</example>
    public string? ExceptionType { get; init; }

    /// <summary>How often an operator replayed it before.</summary>
    /// <example>0</example>
    public required int Replays { get; init; }

    /// <summary>Side effects of the same session that wait behind it.</summary>
    /// <example>1</example>
    public required int WaitingBehind { get; init; }

    public static DeadLetterResponse From(SideEffect s, int waitingBehind) => new()
    {
        Id = s.Id,
        SessionId = s.SessionId,
        Version = s.Version,
        Sequence = s.Sequence,
        MessageType = s.Kind,
        EventType = s.EventType,
        Url = s.Url,
        Attempts = s.Attempts,
        FirstFailureAt = s.FirstFailureAt,
        LastFailureAt = s.LastFailureAt,
        DeadLetteredAt = s.DeadLetteredAt ?? s.LastFailureAt ?? s.CreatedAt,
        LastError = s.LastError,
        ExceptionType = s.ExceptionType,
        Replays = s.Replays,
        WaitingBehind = waitingBehind,
    };
}

/// <summary>The dead letters that match, the oldest first.</summary>
public sealed record DeadLetterList
{
    /// <summary>How many dead letters match (the list holds at most <c>limit</c> of them).</summary>
    /// <example>1</example>
    public required int Total { get; init; }

    public required IReadOnlyList<DeadLetterResponse> DeadLetters { get; init; }
}

/// <summary>Which dead letters an admin request is about: the filters of the dead-letter endpoints, from the query string.
/// Each is checked by <see cref="DeadLetterQueryValidator"/> before it reaches a query.</summary>
public sealed record DeadLetterQuery
{
    /// <summary>Only this session's dead letter (a GUID).</summary>
    /// <example>0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10</example>
    [FromQuery(Name = "sessionId")]
    public string? SessionId { get; init; }

    /// <summary>Only this kind of side effect: webhook or achievement.</summary>
    [FromQuery(Name = "messageType")]
    public string? MessageType { get; init; }

    /// <summary>Only side effects of this event type: milestone_reached, game_over or session_abandoned.</summary>
    [FromQuery(Name = "eventType")]
    public string? EventType { get; init; }

    /// <summary>Only failures of this exception type, by its full name or the part after the last dot (WebhookRejectedException, TimeoutException, HttpRequestException, UriFormatException).</summary>
    [FromQuery(Name = "exceptionType")]
    public string? ExceptionType { get; init; }

    /// <summary>The dead letters that match (the query must have passed <see cref="DeadLetterQueryValidator"/>).</summary>
    public IQueryable<SideEffect> Apply(IQueryable<SideEffect> query)
    {
        query = query.Where(s => s.Status == SideEffectStatus.DeadLettered);
        if (SessionId is not null)
        {
            var session = Guid.Parse(SessionId);
            query = query.Where(s => s.SessionId == session);
        }

        if (MessageType is { } kind) query = query.Where(s => s.Kind == kind);
        if (EventType is { } type) query = query.Where(s => s.EventType == type);
        if (ExceptionType is { } exception)
        {
            var suffix = "." + exception;
            query = query.Where(s => s.ExceptionType == exception || s.ExceptionType!.EndsWith(suffix));
        }

        return query;
    }
}

/// <summary>
/// The dead-letter filters: a GUID for <c>sessionId</c>, and for the others 1 to <see cref="MaxFilterLength"/>
/// printable characters. Besides the 400 naming the filter, this keeps what PostgreSQL refuses to bind (a NUL
/// character in a text parameter) out of the queries.
/// </summary>
public sealed class DeadLetterQueryValidator : AbstractValidator<DeadLetterQuery>
{
    public const int MaxFilterLength = 256;

    public DeadLetterQueryValidator()
    {
        RuleFor(q => q.SessionId).Must(id => Guid.TryParse(id, out _)).When(q => q.SessionId is not null)
            .WithMessage("'sessionId' must be a GUID.");
        RuleFor(q => q.MessageType).MustBeAFilter("messageType", MaxFilterLength);
        RuleFor(q => q.EventType).MustBeAFilter("eventType", MaxFilterLength);
        RuleFor(q => q.ExceptionType).MustBeAFilter("exceptionType", MaxFilterLength);
    }
}

public static class GetDeadLettersEndpoint
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/dead-letters", Handle)
            .WithName("getDeadLetters")
            .WithSummary("List the side effects' dead letters")
            .WithDescription("Side effects that failed for good: at once for a permanent failure (a 4xx other than 408 and 429, a redirect, a URL that cannot be called), after EventApi:SideEffects:MaxAttempts for a transient one. Each shows its attempts, first and last failure, last error and exception type, and how many side effects of its session wait behind it. Filter by sessionId, messageType (webhook or achievement), eventType and exceptionType; the oldest first, at most limit (1 to 1000, 100 by default).")
            .Validate<DeadLetterQuery>()
            .Produces<DeadLetterList>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <param name="query">The filters.</param>
    /// <param name="limit">How many to list, 1 to 1000 (100 by default).</param>
    /// <param name="session">Marten.</param>
    /// <param name="ct">The request's cancellation.</param>
    public static async Task<IResult> Handle([AsParameters] DeadLetterQuery query, [Range(1, MaxLimit)] int? limit, IQuerySession session, CancellationToken ct)
    {
        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit) return Problems.LimitOutOfRange(MaxLimit);

        var matching = query.Apply(session.Query<SideEffect>());
        var total = await matching.CountAsync(ct);
        var deadLetters = await matching.OrderBy(s => s.DeadLetteredAt).ThenBy(s => s.Id).Take(take).ToListAsync(ct);

        var sessions = deadLetters.Select(d => d.SessionId).Distinct().ToArray();
        var behind = sessions.Length == 0
            ? []
            : await session.Query<SideEffect>()
                .Where(s => s.SessionId.IsOneOf(sessions) && s.Status.IsOneOf(SideEffectStatus.Pending, SideEffectStatus.Waiting))
                .Select(s => s.SessionId)
                .ToListAsync(ct);
        var waiting = behind.CountBy(id => id).ToDictionary();

        return TypedResults.Ok(new DeadLetterList
        {
            Total = total,
            DeadLetters = deadLetters.Select(d => DeadLetterResponse.From(d, waiting.GetValueOrDefault(d.SessionId))).ToArray(),
        });
    }
}
