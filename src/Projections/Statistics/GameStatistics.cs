using System.Numerics;
using EventApi.Domain.Claims;
using EventApi.Domain.Sessions;

namespace EventApi.Projections.Statistics;

/// <summary>
/// The figures kept for the whole store (id <see cref="GlobalId"/>) and for each UTC day of the events' own timestamps
/// (id <c>yyyy-MM-dd</c>). A finished game is a session that ended (over or abandoned) or a verified claim; moves count
/// both sessions' moves and verified claims' moves.
/// </summary>
public sealed class GameStatistics
{
    /// <summary>The id of the whole store's statistics.</summary>
    public const string GlobalId = "global";

    /// <summary><see cref="GlobalId"/>, or the UTC day (<c>yyyy-MM-dd</c>) the figures are of.</summary>
    /// <example>global</example>
    public string Id { get; set; } = GlobalId;

    public long SessionsStarted { get; set; }
    public long SessionsOver { get; set; }
    public long SessionsAbandoned { get; set; }
    public long ClaimsVerified { get; set; }
    public long ClaimsRejected { get; set; }

    /// <summary>Moves played, by direction (and in total).</summary>
    public MoveCounts Moves { get; set; } = MoveCounts.None;

    public long FinishedGames { get; set; }
    public long TotalFinalScore { get; set; }
    public long BestFinalScore { get; set; }

    /// <summary>How many finished games reached each highest tile.</summary>
    public SortedDictionary<int, long> MaxTileHistogram { get; set; } = [];

    public double AverageFinalScore => FinishedGames == 0 ? 0 : Math.Round((double)TotalFinalScore / FinishedGames, 2);

    /// <summary>Folds one event in. Events that do not count here change nothing.</summary>
    public void Add(object @event)
    {
        switch (@event)
        {
            case SessionStarted:
                SessionsStarted++;
                break;
            case TilesMoved moved:
                Moves = Moves.Add(moved.Direction);
                break;
            case GameOver over:
                SessionsOver++;
                Finish(over.FinalScore, over.MaxTile);
                break;
            case SessionAbandoned abandoned:
                SessionsAbandoned++;
                Finish(abandoned.FinalScore, abandoned.MaxTile);
                break;
            case ClaimVerified verified:
                ClaimsVerified++;
                Moves = Moves.Add(verified.MovesByDirection);
                Finish(verified.FinalScore, verified.MaxTile);
                break;
            case ClaimRejected:
                ClaimsRejected++;
                break;
        }
    }

    private void Finish(int score, int maxTile)
    {
        // A corrupt result would silently skew the histogram; refuse it (the daemon's error policy decides what
        // then happens to the event).
        if (maxTile < 2 || !BitOperations.IsPow2(maxTile))
            throw new InvalidDataException($"A finished game's highest tile must be a power of two from 2, not {maxTile}.");
        if (score < 0) throw new InvalidDataException($"A finished game's score cannot be negative ({score}).");

        FinishedGames++;
        TotalFinalScore += score;
        BestFinalScore = Math.Max(BestFinalScore, score);
        MaxTileHistogram[maxTile] = MaxTileHistogram.GetValueOrDefault(maxTile) + 1;
    }
}
