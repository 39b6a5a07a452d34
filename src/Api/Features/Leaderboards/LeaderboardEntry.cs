using EventApi.Api.Infrastructure;
using EventApi.Projections.Leaderboards;
using Marten;

namespace EventApi.Api.Features.Leaderboards;

/// <summary>A place on a leaderboard.</summary>
public sealed record LeaderboardEntry
{
    /// <summary>1 for the best.</summary>
    /// <example>1</example>
    public required int Rank { get; init; }

    /// <summary>The session or claim.</summary>
    /// <example>0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10</example>
    public required Guid GameId { get; init; }

    /// <summary>session or claim.</summary>
    /// <example>session</example>
    public required string Source { get; init; }

    /// <example>alice</example>
    public required string Player { get; init; }

    /// <example>20544</example>
    public required int Score { get; init; }

    /// <example>1021</example>
    public required int MoveCount { get; init; }

    /// <example>2048</example>
    public required int MaxTile { get; init; }

    /// <example>2026-11-22T12:30:00+00:00</example>
    public required DateTimeOffset FinishedAt { get; init; }
}

public static class Leaderboard
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 100;

    /// <summary>The top finished games by score, ties broken by fewer moves, then the earlier finish.</summary>
    public static async Task<IResult> TopAsync(IQuerySession session, int? limit, DateOnly? challengeDay, CancellationToken ct)
    {
        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit) return Problems.LimitOutOfRange(MaxLimit);

        var query = session.Query<FinishedGame>().Where(g => g.Finished);
        if (challengeDay is { } day) query = query.Where(g => g.ChallengeDay == day);
        var games = await query
            .OrderByDescending(g => g.Score).ThenBy(g => g.MoveCount).ThenBy(g => g.FinishedAt).ThenBy(g => g.Id)
            .Take(take)
            .ToListAsync(ct);

        var entries = games.Select((g, i) => new LeaderboardEntry
        {
            Rank = i + 1, GameId = g.Id, Source = g.Source, Player = g.Player, Score = g.Score,
            MoveCount = g.MoveCount, MaxTile = g.MaxTile, FinishedAt = g.FinishedAt!.Value,
        }).ToArray();
        var freshness = await FreshnessReader.ReadAsync(session.DocumentStore, FinishedGameProjection.ProjectionName, ct);
        return TypedResults.Ok(new Fresh<LeaderboardEntry[]>(entries, freshness));
    }
}
