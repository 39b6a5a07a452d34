using EventApi.Domain.Claims;
using EventApi.Domain.Sessions;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace EventApi.Projections.Leaderboards;

/// <summary>
/// A game's result for the leaderboards, one per session or verified claim stream. Only server-authoritative
/// results exist here: sessions played through the API and claims the server replayed. <see cref="Finished"/> is
/// false while a session is still being played.
/// </summary>
public sealed class FinishedGame
{
    public Guid Id { get; set; }
    public string Player { get; set; } = "";

    /// <summary>session or claim.</summary>
    public string Source { get; set; } = "";

    public bool Finished { get; set; }
    public int Score { get; set; }
    public int MoveCount { get; set; }
    public int MaxTile { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The daily challenge the game played, if any.</summary>
    public DateOnly? ChallengeDay { get; set; }
}

public sealed class FinishedGameProjection : SingleStreamProjection<FinishedGame, Guid>
{
    public const string ProjectionName = "leaderboard";

    public FinishedGameProjection()
    {
        // A finished session's events are archived after a while; a rebuild must still count them.
        IncludeArchivedEvents = true;
        Name = ProjectionName;
        IncludeType<SessionStarted>();
        IncludeType<GameOver>();
        IncludeType<SessionAbandoned>();
        IncludeType<ClaimVerified>();
    }

    public override FinishedGame? Evolve(FinishedGame? snapshot, Guid id, IEvent e)
    {
        switch (e.Data)
        {
            case SessionStarted started:
                return new FinishedGame { Id = id, Player = started.Player, Source = "session", ChallengeDay = started.ChallengeDay };
            case GameOver over when snapshot is not null:
                return Finish(snapshot, over.FinalScore, over.MoveCount, over.MaxTile, over.At);
            case SessionAbandoned abandoned when snapshot is not null:
                return Finish(snapshot, abandoned.FinalScore, abandoned.MoveCount, abandoned.MaxTile, abandoned.At);
            case ClaimVerified verified:
                return Finish(
                    new FinishedGame { Id = id, Player = verified.Player, Source = "claim", ChallengeDay = verified.ChallengeDay },
                    verified.FinalScore, verified.MoveCount, verified.MaxTile, verified.At);
            default:
                return snapshot;
        }
    }

    private static FinishedGame Finish(FinishedGame game, int score, int moves, int maxTile, DateTimeOffset at)
    {
        game.Finished = true;
        game.Score = score;
        game.MoveCount = moves;
        game.MaxTile = maxTile;
        game.FinishedAt = at;
        return game;
    }
}
