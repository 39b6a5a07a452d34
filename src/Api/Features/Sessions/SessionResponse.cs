using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using EventApi.Domain.Sessions;

namespace EventApi.Api.Features.Sessions;

/// <summary>Where a session stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SessionStatusName>))]
public enum SessionStatusName
{
    [JsonStringEnumMemberName("active")] Active,
    [JsonStringEnumMemberName("over")] Over,
    [JsonStringEnumMemberName("abandoned")] Abandoned,
}

/// <summary>What a game's spawns are drawn from.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GeneratorName>))]
public enum GeneratorName
{
    /// <summary>Mulberry32 on the 32-bit seed: open sessions (and sessions sealed before secrets existed).</summary>
    [JsonStringEnumMemberName("mulberry32")] Mulberry32,

    /// <summary>HMAC-SHA256 keyed by the 256-bit secret: sealed sessions.</summary>
    [JsonStringEnumMemberName("hmac-sha256")] HmacSha256,
}

/// <summary>A session as players see it.</summary>
public record SessionResponse
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

    /// <summary>mulberry32: the spawns are drawn from Mulberry32 on the seed. hmac-sha256: draw i is the first 4 bytes of HMAC-SHA256(secret, i as 8 bytes big-endian), big-endian, divided by 2^32.</summary>
    /// <example>mulberry32</example>
    public required GeneratorName Generator { get; init; }

    /// <summary>The Mulberry32 seed; null for a sealed session's hmac-sha256 generator, and null while a session sealed before secrets existed is active.</summary>
    /// <example>12345</example>
    public required long? Seed { get; init; }

    /// <summary>A sealed session's 256-bit secret, lowercase hex: null while the session is active, revealed when it ends. Null for an open session.</summary>
    /// <example>null</example>
    public required string? Secret { get; init; }

    /// <summary>Lowercase hex SHA-256 of the UTF-8 text "{id}:{secret}" (or "{id}:{seed}" for a mulberry32 game), shown from the start so the revealed secret can be checked.</summary>
    /// <example>9f2c4a0e1b7d3c5e8a6f4b2d0c9e7a5b3d1f8e6c4a2b0d9e7c5a3b1f9e7d5c3a</example>
    public required string SeedCommitment { get; init; }

    /// <summary>The 4x4 board as board[y][x], rows top to bottom, 0 for an empty cell.</summary>
    /// <example>[[0,0,2,0],[0,0,0,0],[0,2,0,0],[0,0,0,0]]</example>
    public required int[][] Board { get; init; }

    /// <summary>The sum of every merged tile's value.</summary>
    /// <example>0</example>
    public required int Score { get; init; }

    /// <summary>Moves played (moves that moved no tile are refused and not counted).</summary>
    /// <example>0</example>
    public required int MoveCount { get; init; }

    /// <summary>The largest tile on the board.</summary>
    /// <example>2</example>
    public required int MaxTile { get; init; }

    /// <summary>A 2048 tile has been made; play goes on after it.</summary>
    /// <example>false</example>
    public required bool Won { get; init; }

    /// <summary>The stream version; also the ETag.</summary>
    /// <example>1</example>
    public required long Version { get; init; }

    /// <summary>When the session started.</summary>
    /// <example>2026-11-22T12:00:00+00:00</example>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When the session last changed.</summary>
    /// <example>2026-11-22T12:00:00+00:00</example>
    public required DateTimeOffset UpdatedAt { get; init; }

    public static SessionResponse From(long version, SessionState state) => new()
    {
        Id = state.Id,
        Player = state.Player,
        Status = ToName(state.Status),
        Generator = GeneratorOf(state),
        Seed = state.SeedIsPublic ? state.Seed : null,
        Secret = state.SeedIsPublic ? state.Secret : null,
        SeedCommitment = state.SeedCommitment,
        Board = state.Game.Board.ToRows(),
        Score = state.Game.Score,
        MoveCount = state.Game.MoveCount,
        MaxTile = state.Game.MaxTile,
        Won = state.Game.Won,
        Version = version,
        StartedAt = state.StartedAt,
        UpdatedAt = state.UpdatedAt,
    };

    /// <summary>What the session's spawns are drawn from: its secret when it has one (a sealed session), otherwise its seed.</summary>
    public static GeneratorName GeneratorOf(SessionState state) => state.Secret is null ? GeneratorName.Mulberry32 : GeneratorName.HmacSha256;

    /// <summary>A started session's status by its name in the API.</summary>
    public static SessionStatusName ToName(SessionStatus status) => status switch
    {
        SessionStatus.Active => SessionStatusName.Active,
        SessionStatus.Over => SessionStatusName.Over,
        SessionStatus.Abandoned => SessionStatusName.Abandoned,
        _ => throw new InvalidOperationException($"A session that has not started has no view ({status})."),
    };
}

/// <summary>The answer to starting a session: the session, its token, its callback URL and its webhook secret, shown to the owner this once.</summary>
public sealed record StartedSessionResponse : SessionResponse
{
    public StartedSessionResponse()
    {
    }

    [SetsRequiredMembers]
    public StartedSessionResponse(SessionResponse session, string token, string? callbackUrl, string? webhookSecret)
        : base(session)
    {
        Token = token;
        CallbackUrl = callbackUrl;
        WebhookSecret = webhookSecret;
    }

    /// <summary>The bearer token for this session's moves and abandon. Shown only in this response; the server keeps only its hash.</summary>
    /// <example>q3Jx8m0wZbQ9v2Lk7s4TnY1cRf6hUe5aPd0gWi3oMkE</example>
    public required string Token { get; init; }

    /// <summary>The callbackUrl as the session recorded it; null without one. Only the owner sees it, in this response: no other response shows it.</summary>
    /// <example>https://game.example.org/hooks/2048</example>
    public string? CallbackUrl { get; init; }

    /// <summary>With a callbackUrl: the key of the session's webhook signatures (X-EventApi-Signature: sha256=hex HMAC-SHA256 of the body, keyed by this string's UTF-8 bytes). Shown only in this response; the server derives it and stores nothing. Null without a callbackUrl.</summary>
    /// <example>Zk3v9QmY1cR8sLw2pT6aUe0xHd4jNb7oGi5fKq2rVyE</example>
    public string? WebhookSecret { get; init; }
}
