using EventApi.Domain.Claims;
using EventApi.Domain.Sessions;
using JasperFx.Events;
using Marten.Events.Projections;

namespace EventApi.Projections.Statistics;

/// <summary>One player's record; id is the player. Games are sessions started and verified claims; best score,
/// best tile and total moves are over finished games (sessions that ended, verified claims).</summary>
public sealed class PlayerStatistics
{
    public string Id { get; set; } = "";
    public long Games { get; set; }
    public long FinishedGames { get; set; }
    public long BestScore { get; set; }
    public int BestTile { get; set; }
    public long TotalMoves { get; set; }
}

public sealed class PlayerStatisticsProjection : MultiStreamProjection<PlayerStatistics, string>
{
    public const string ProjectionName = "player-statistics";

    public PlayerStatisticsProjection()
    {
        // A finished session's events are archived after a while; a rebuild must still count them.
        IncludeArchivedEvents = true;
        Name = ProjectionName;
        // Evolve takes any IEvent, so Marten cannot tell which types it needs: named here, the daemon reads only
        // these (a few in a hundred events) instead of every move.
        IncludeType<SessionStarted>();
        IncludeType<GameOver>();
        IncludeType<SessionAbandoned>();
        IncludeType<ClaimVerified>();
        Identity<SessionStarted>(e => e.Player);
        Identity<GameOver>(e => e.Player);
        Identity<SessionAbandoned>(e => e.Player);
        Identity<ClaimVerified>(e => e.Player);
    }

    public override PlayerStatistics? Evolve(PlayerStatistics? snapshot, string id, IEvent e)
    {
        var player = snapshot ?? new PlayerStatistics { Id = id };
        switch (e.Data)
        {
            case SessionStarted:
                player.Games++;
                break;
            case GameOver over:
                Finish(player, over.FinalScore, over.MaxTile, over.MoveCount);
                break;
            case SessionAbandoned abandoned:
                Finish(player, abandoned.FinalScore, abandoned.MaxTile, abandoned.MoveCount);
                break;
            case ClaimVerified verified:
                player.Games++;
                Finish(player, verified.FinalScore, verified.MaxTile, verified.MoveCount);
                break;
        }

        return player;
    }

    private static void Finish(PlayerStatistics player, int score, int maxTile, int moves)
    {
        player.FinishedGames++;
        player.BestScore = Math.Max(player.BestScore, score);
        player.BestTile = Math.Max(player.BestTile, maxTile);
        player.TotalMoves += moves;
    }
}
