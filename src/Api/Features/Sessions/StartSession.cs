using System.Security.Cryptography;
using EventApi.Api.Features.Challenges;
using EventApi.Api.Features.SideEffects;
using EventApi.Api.Infrastructure;
using EventApi.Api.Infrastructure.Idempotency;
using EventApi.Api.Infrastructure.RateLimiting;
using EventApi.Domain.Sessions;
using EventApi.Projections.Sessions;
using FluentValidation;
using Marten;

namespace EventApi.Api.Features.Sessions;

/// <summary>Start a session.</summary>
public sealed record StartSessionRequest
{
    /// <summary>Who plays: 1 to 32 printable characters.</summary>
    /// <example>alice</example>
    public string? Player { get; init; }

    /// <summary>The game's seed, 0 to 4294967295. Given: the session is open and the seed public. Left out: the server draws one and keeps it secret until the game ends.</summary>
    /// <example>12345</example>
    public long? Seed { get; init; }

    /// <summary>An absolute http or https URL to POST the session's milestones and its end to, signed with the webhookSecret of the answer.</summary>
    /// <example>https://game.example.org/hooks/2048</example>
    public string? CallbackUrl { get; init; }
}

public sealed class StartSessionValidator : AbstractValidator<StartSessionRequest>
{
    public const int MaxCallbackUrlLength = 2048;

    public StartSessionValidator()
    {
        RuleFor(r => r.Player).MustBeAPlayer();
        RuleFor(r => r.Seed).MustBeASeed().When(r => r.Seed is not null);

        RuleFor(r => r.CallbackUrl)
            .Must(BeAnHttpUrl!).When(r => r.CallbackUrl is not null)
            .WithMessage($"'callbackUrl' must be an absolute http or https URL of at most {MaxCallbackUrlLength} characters.");
    }

    private static bool BeAnHttpUrl(string url) =>
        url.Length <= MaxCallbackUrlLength
        && Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !string.IsNullOrEmpty(uri.Host);
}

public static class StartSessionEndpoint
{
    private const string Scope = "POST /sessions";

    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapPost("/sessions", Handle)
            .WithName("startSession")
            .WithSummary("Start a session")
            .WithDescription("Starts a game of 2048. With a seed the session is open; without one the server draws a secret seed and shows only its commitment until the game ends. The answer carries the session's bearer token and, with a callbackUrl, its webhook secret, both shown this once. Send an Idempotency-Key to retry safely.")
            .Validate<StartSessionRequest>()
            .LimitedPerClient(RateLimitPolicies.SessionStarts)
            .DocumentHeaders([HeaderDocs.IdempotencyKey], (201, HeaderDocs.Location), (201, HeaderDocs.ETag))
            .Produces<StartedSessionResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static async Task<IResult> Handle(
        StartSessionRequest request,
        HttpContext http,
        IDocumentSession session,
        TimeProvider clock,
        IdempotencyKeys idempotency,
        DailyChallenges challenges,
        WebhookSigner webhooks,
        CancellationToken ct)
    {
        if (idempotency.TryRead(http.Request, Scope, request, out var key) is { } badKey) return badKey;
        var now = clock.GetUtcNow();
        if (key is not null && await key.ReplayAsync(session, now, ct) is { } replay) return replay;

        var id = Guid.CreateVersion7(now);
        var isSealed = request.Seed is null;
        var seed = isSealed ? BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(sizeof(uint))) : (uint)request.Seed!.Value;

        var decision = SessionDecider.Decide(
            new StartSession(id, request.Player!, seed, isSealed, request.CallbackUrl, now,
                isSealed ? null : challenges.DayPlayedBy(seed, now)),
            SessionState.Initial);
        if (decision.Rejection is { } rejection) return SessionCommandPipeline.Rejected(rejection);

        session.Events.StartStream<SessionView>(id, decision.Events);
        var (token, access) = SessionAccess.Issue(id);
        session.Insert(access);

        var version = (long)decision.Events.Count;
        var secret = request.CallbackUrl is null ? null : webhooks.SecretFor(id);
        var response = new StartedSessionResponse(SessionResponse.From(version, SessionDecider.Fold(decision.Events)), token, secret);
        var location = $"/sessions/{id}";
        var etag = ETags.For(version);
        key?.Record(session, StatusCodes.Status201Created, response, location, etag, now);

        if (await IdempotencyKey.CommitAsync(session, key, now, ct) is { } winner) return winner;

        http.Response.Headers.ETag = etag;
        return TypedResults.Created(location, response);
    }
}
