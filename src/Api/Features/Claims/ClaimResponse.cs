using System.Text.Json.Serialization;
using EventApi.Domain.Claims;

namespace EventApi.Api.Features.Claims;

/// <summary>What the server's replay made of a claim.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ClaimVerdictName>))]
public enum ClaimVerdictName
{
    [JsonStringEnumMemberName("verified")] Verified,
    [JsonStringEnumMemberName("rejected")] Rejected,
}

/// <summary>The game as the server's replay left it: after the last move of a verified claim; for a rejected claim,
/// just before the refused move, or after every move when only the score disagrees.</summary>
public sealed record ClaimReplayResponse
{
    /// <summary>The 4x4 board as board[y][x], rows top to bottom, 0 for an empty cell.</summary>
    /// <example>[[0,0,4,4],[0,0,0,2],[0,0,0,0],[0,0,4,0]]</example>
    public required int[][] Board { get; init; }

    /// <summary>The sum of every merged tile's value.</summary>
    /// <example>4</example>
    public required int Score { get; init; }

    /// <summary>Moves the replay played.</summary>
    /// <example>3</example>
    public required int MoveCount { get; init; }

    /// <summary>The largest tile on the board.</summary>
    /// <example>4</example>
    public required int MaxTile { get; init; }

    /// <summary>A 2048 tile has been made.</summary>
    /// <example>false</example>
    public required bool Won { get; init; }

    /// <summary>No move is left.</summary>
    /// <example>false</example>
    public required bool Over { get; init; }
}

/// <summary>A recorded claim: what was claimed, and what the server's replay found.</summary>
public sealed record ClaimResponse
{
    /// <summary>The claim id (its stream's id).</summary>
    /// <example>0195f1c4-7b3e-7d2a-8c51-3e8f9a6b7d21</example>
    public required Guid Id { get; init; }

    /// <summary>Who played.</summary>
    /// <example>alice</example>
    public required string Player { get; init; }

    /// <summary>The game's seed.</summary>
    /// <example>12345</example>
    public required long Seed { get; init; }

    /// <summary>verified or rejected.</summary>
    /// <example>verified</example>
    public required ClaimVerdictName Verdict { get; init; }

    /// <summary>The score the client claimed.</summary>
    /// <example>4</example>
    public required int ClaimedScore { get; init; }

    /// <summary>The game as the server's replay left it.</summary>
    public required ClaimReplayResponse Replay { get; init; }

    /// <summary>Why a rejected claim was rejected: move-changes-nothing, game-already-over or score-mismatch; null when verified.</summary>
    /// <example>null</example>
    public required string? Reason { get; init; }

    /// <summary>The index of the refused move, from 0; null when verified, or when every move was played and only the score disagrees.</summary>
    /// <example>null</example>
    public required int? MoveIndex { get; init; }

    /// <summary>At which move and why a rejected claim was rejected; null when verified.</summary>
    /// <example>null</example>
    public required string? Detail { get; init; }

    /// <summary>The daily challenge a verified claim counts for: the UTC day it was submitted on, when its seed is that day's challenge seed.</summary>
    /// <example>2026-11-22</example>
    public required DateOnly? ChallengeDay { get; init; }

    /// <summary>When the claim was submitted.</summary>
    /// <example>2026-11-22T12:00:00+00:00</example>
    public required DateTimeOffset SubmittedAt { get; init; }

    public static ClaimResponse From(ClaimState claim) => new()
    {
        Id = claim.Id,
        Player = claim.Player,
        Seed = claim.Seed,
        Verdict = claim.Verified ? ClaimVerdictName.Verified : ClaimVerdictName.Rejected,
        ClaimedScore = claim.ClaimedScore,
        Replay = new ClaimReplayResponse
        {
            Board = claim.Replay.Board.ToRows(),
            Score = claim.Replay.Score,
            MoveCount = claim.Replay.MoveCount,
            MaxTile = claim.Replay.MaxTile,
            Won = claim.Replay.Won,
            Over = claim.Replay.Over,
        },
        Reason = claim.Reason,
        MoveIndex = claim.MoveIndex,
        Detail = claim.Detail,
        ChallengeDay = claim.ChallengeDay,
        SubmittedAt = claim.SubmittedAt,
    };
}
