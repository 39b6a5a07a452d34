using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using EventApi.Api.Features.Challenges;
using EventApi.Api.Features.SideEffects;
using EventApi.Api.Infrastructure;
using EventApi.Api.Infrastructure.Idempotency;
using EventApi.Api.Infrastructure.RateLimiting;
using EventApi.Domain.Game;
using EventApi.Domain.Sessions;
using EventApi.Projections.Sessions;
using FluentValidation;
using Marten;

namespace EventApi.Api.Features.Sessions;

/// <summary>Start a session.
/// The attributes state the contract in the OpenAPI document; the validator below enforces it, with the same limits.</summary>
public sealed record StartSessionRequest
{
    /// <summary>Who plays: 1 to 32 printable characters.</summary>
    /// <example>alice</example>
    [Required, Length(1, InputRules.MaxPlayerLength)]
    public string? Player { get; init; }

    /// <summary>The game's seed, 0 to 4294967295. Given: the session is open, the seed public and the spawns drawn from Mulberry32. Left out: the session is sealed, the server draws a 256-bit secret and keeps it until the game ends.</summary>
    /// <example>12345</example>
    [Range(0, uint.MaxValue)]
    public long? Seed { get; init; }

    /// <summary>An absolute http or https URL to POST the session's milestones and its end to, signed with the webhookSecret of the answer. At most 2048 characters, without control characters or user information; loopback, private, link-local and other internal addresses are refused.</summary>
    /// <example>https://game.example.org/hooks/2048</example>
    [MaxLength(StartSessionValidator.MaxCallbackUrlLength)]
    public string? CallbackUrl { get; init; }
}

public sealed class StartSessionValidator : AbstractValidator<StartSessionRequest>
{
    public const int MaxCallbackUrlLength = 2048;

    private static readonly string NotAnHttpUrl = $"'callbackUrl' must be an absolute http or https URL of at most {MaxCallbackUrlLength} characters.";

    public StartSessionValidator(WebhookDestinations destinations)
    {
        RuleFor(r => r.Player).MustBeAPlayer();
        RuleFor(r => r.Seed).MustBeASeed().When(r => r.Seed is not null);

        RuleFor(r => r.CallbackUrl)
            .Custom((url, context) =>
            {
                if (CallbackUrlProblem(url!, destinations) is { } problem) context.AddFailure(problem);
            })
            .When(r => r.CallbackUrl is not null);
    }

    /// <summary>Why a callback URL is refused, or null. An address (in any spelling) or a localhost name is checked against
    /// the webhook destinations here; any other name when a webhook connects to what it resolves to.</summary>
    private static string? CallbackUrlProblem(string url, WebhookDestinations destinations)
    {
        if (url.Length > MaxCallbackUrlLength) return NotAnHttpUrl;
        if (url.Any(char.IsControl)) return "'callbackUrl' must not contain control characters.";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host))
            return NotAnHttpUrl;
        if (uri.UserInfo.Length > 0) return "'callbackUrl' must not contain user information (user:password@).";
        if (!destinations.Admits(uri))
            return "'callbackUrl' must not name a loopback, private, link-local or other internal address: webhooks are not sent there.";
        return null;
    }
}

public static class StartSessionEndpoint
{
    private const string Scope = "POST /sessions";

    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapPost("/sessions", Handle)
            .WithName("startSession")
            .WithSummary("Start a session")
            .WithDescription("Starts a game of 2048. With a seed the session is open; without one it is sealed: the server draws a 256-bit secret and shows only its commitment until the game ends. The answer carries the session's bearer token and, with a callbackUrl, its webhook secret, both shown this once. Send an Idempotency-Key to retry safely.")
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
        var now = clock.GetUtcNow();
        var (key, answer) = await idempotency.BeginAsync(http.Request, Scope, request, session, now, ct);
        if (answer is not null) return answer;

        var id = Guid.CreateVersion7(now);
        var command = request.Seed is { } given
            ? StartSession.Open(id, request.Player!, (uint)given, request.CallbackUrl, now, challenges.DayPlayedBy((uint)given, now))
            : StartSession.Sealed(id, request.Player!, RandomNumberGenerator.GetBytes(GameRandom.SecretBytes), request.CallbackUrl, now);

        var decision = SessionDecider.Decide(command, SessionState.Initial);
        if (decision.Rejection is { } rejection) return SessionCommandPipeline.Rejected(rejection);

        session.Events.StartStream<SessionView>(id, decision.Events).Events.StampedAt(now);
        var (token, access) = SessionAccess.Issue(id);
        session.Insert(access);

        var version = (long)decision.Events.Count;
        var secret = request.CallbackUrl is null ? null : webhooks.SecretFor(id);
        var response = new StartedSessionResponse(SessionResponse.From(version, SessionDecider.Fold(decision.Events)), token, request.CallbackUrl, secret);
        var location = $"/sessions/{id}";
        var etag = ETags.For(version);
        key?.Record(session, StatusCodes.Status201Created, response, location, etag, now);

        if (await IdempotencyKey.CommitAsync(session, key, now, lostRace: null, ct) is { } winner) return winner;

        http.Response.Headers.ETag = etag;
        return TypedResults.Created(location, response);
    }
}
