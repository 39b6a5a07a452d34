using System.Globalization;
using EventApi.Domain.Claims;
using EventApi.Domain.Sessions;
using JasperFx.Events;
using Marten.Events.Projections;

namespace EventApi.Projections.Statistics;

/// <summary>
/// Every counted event into two documents: the whole store's (<see cref="GameStatistics.GlobalId"/>) and that of the
/// UTC day of the event's own timestamp (never the projection's clock). One projection for both, so the daemon reads
/// the events once for the two granularities of the same fold.
/// </summary>
public sealed class StatisticsProjection : MultiStreamProjection<GameStatistics, string>
{
    public const string ProjectionName = "statistics";

    public StatisticsProjection()
    {
        // A finished session's events are archived after a while; a rebuild must still count them.
        IncludeArchivedEvents = true;
        Name = ProjectionName;
        Identities<SessionStarted>(e => Both(e.StartedAt));
        Identities<TilesMoved>(e => Both(e.At));
        Identities<GameOver>(e => Both(e.At));
        Identities<SessionAbandoned>(e => Both(e.At));
        Identities<ClaimVerified>(e => Both(e.At));
        Identities<ClaimRejected>(e => Both(e.At));
    }

    private static string DayId(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string[] Both(DateTimeOffset at) => [GameStatistics.GlobalId, DayId(at)];

    public override GameStatistics? Evolve(GameStatistics? snapshot, string id, IEvent e)
    {
        var statistics = snapshot ?? new GameStatistics { Id = id };
        statistics.Add(e.Data);
        return statistics;
    }
}
