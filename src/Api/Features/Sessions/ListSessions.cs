using System.Collections.Frozen;
using System.ComponentModel.DataAnnotations;
using EventApi.Api.Infrastructure;
using EventApi.Domain.Sessions;
using EventApi.Projections.Sessions;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventApi.Api.Features.Sessions;

/// <summary>A session in a list: where its game stands and where to watch it. Nothing private: no seed, secret, token or callback URL.</summary>
public sealed record SessionListItem
{
    /// <summary>The session id.</summary>
    /// <example>0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10</example>
    public required Guid Id { get; init; }

    /// <summary>Who plays.</summary>
    /// <example>alice</example>
    public required string Player { get; init; }

    /// <summary>active, over or abandoned.</summary>
    /// <example>active</example>
    public required SessionStatusName Status { get; init; }

    /// <summary>The sum of every merged tile's value.</summary>
    /// <example>1024</example>
    public required int Score { get; init; }

    /// <summary>The largest tile on the board.</summary>
    /// <example>128</example>
    public required int MaxTile { get; init; }

    /// <summary>Moves played.</summary>
    /// <example>96</example>
    public required int MoveCount { get; init; }

    /// <summary>A 2048 tile has been made.</summary>
    /// <example>false</example>
    public required bool Won { get; init; }

    /// <summary>The session is sealed: its spawns are drawn from a secret it reveals when it ends (generator hmac-sha256).</summary>
    /// <example>true</example>
    public required bool Sealed { get; init; }

    /// <summary>The stream version, as GET /sessions/{id} gives it in its ETag.</summary>
    /// <example>97</example>
    public required long Version { get; init; }

    /// <summary>When the session started.</summary>
    /// <example>2026-11-22T12:00:00+00:00</example>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When the session last changed: the list's order, most recent first.</summary>
    /// <example>2026-11-22T12:04:10.123456+00:00</example>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Where to watch the session live, relative to the API.</summary>
    /// <example>/sessions/0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10/live</example>
    public required string Live { get; init; }

    public static SessionListItem From(SessionView view) => new()
    {
        Id = view.Id,
        Player = view.State.Player,
        Status = SessionResponse.ToName(view.State.Status),
        Score = view.State.Game.Score,
        MaxTile = view.State.Game.MaxTile,
        MoveCount = view.State.Game.MoveCount,
        Won = view.State.Game.Won,
        Sealed = SessionResponse.GeneratorOf(view.State) == GeneratorName.HmacSha256,
        Version = view.Version,
        StartedAt = view.State.StartedAt,
        UpdatedAt = view.State.UpdatedAt,
        Live = $"/sessions/{view.Id}/live",
    };
}

public static class ListSessionsEndpoint
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>The statuses a list may be asked for, by their names in the API.</summary>
    private static readonly FrozenDictionary<string, SessionStatus> Statuses = new Dictionary<string, SessionStatus>
    {
        ["active"] = SessionStatus.Active,
        ["over"] = SessionStatus.Over,
        ["abandoned"] = SessionStatus.Abandoned,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/sessions", Handle)
            .WithName("listSessions")
            .WithSummary("List sessions")
            .WithDescription("The sessions of one status, most recently changed first (updatedAt descending, then id descending): `status` is active (the default), over or abandoned, and `limit` 1 to 100 (20 by default). Each comes with the link to watch it live. Nothing private is listed: no seed, secret, token or callback URL.")
            .Produces<SessionListItem[]>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <param name="status">The sessions' status: active (the default), over or abandoned.</param>
    /// <param name="limit">At most this many sessions, 1 to 100 (20 by default).</param>
    /// <param name="session">Marten.</param>
    /// <param name="ct">The request's cancellation.</param>
    public static async Task<IResult> Handle([EnumNames(typeof(SessionStatusName))] string? status, [Range(1, MaxLimit)] int? limit,
        IQuerySession session, CancellationToken ct)
    {
        var named = status ?? "active";
        var take = limit ?? DefaultLimit;
        if (InvalidQuery(named, take) is { } invalid) return invalid;

        var views = await Query(session, Statuses[named], take).ToListAsync(ct);
        return TypedResults.Ok(views.Select(SessionListItem.From).ToArray());
    }

    /// <summary>The 400 for a status that is not one of the names or a limit out of range, naming each; null when both are fine.</summary>
    public static ValidationProblem? InvalidQuery(string status, int limit)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Statuses.ContainsKey(status)) errors["status"] = ["'status' must be active, over or abandoned."];
        if (limit is < 1 or > MaxLimit) errors["limit"] = [Problems.LimitMessage(MaxLimit)];
        return errors.Count == 0 ? null : Problems.InvalidQuery(errors);
    }

    /// <summary>The sessions of <paramref name="status"/>, most recently changed first: read through the index on the
    /// view's status, updatedAt and id (<see cref="SessionsFeature.ConfigureSessions"/>), scanned backwards.</summary>
    public static IQueryable<SessionView> Query(IQuerySession session, SessionStatus status, int limit) =>
        session.Query<SessionView>()
            .Where(v => v.State.Status == status)
            .OrderByDescending(v => v.State.UpdatedAt)
            .ThenByDescending(v => v.Id)
            .Take(limit);
}
