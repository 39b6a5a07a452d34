using System.Globalization;
using EventApi.Domain.Claims;
using EventApi.Domain.Sessions;
using JasperFx.Events;
using Marten.Events.Projections;

namespace EventApi.Projections.Statistics;

/// <summary>Every counted event into the one global document.</summary>
public sealed class GlobalStatisticsProjection : MultiStreamProjection<GlobalStatistics, string>
{
    public const string ProjectionName = "global-statistics";

    public GlobalStatisticsProjection()
    {
        Name = ProjectionName;
        Identity<SessionStarted>(_ => GlobalStatistics.TheId);
        Identity<TilesMoved>(_ => GlobalStatistics.TheId);
        Identity<GameOver>(_ => GlobalStatistics.TheId);
        Identity<SessionAbandoned>(_ => GlobalStatistics.TheId);
        Identity<ClaimVerified>(_ => GlobalStatistics.TheId);
        Identity<ClaimRejected>(_ => GlobalStatistics.TheId);
    }

    public override GlobalStatistics? Evolve(GlobalStatistics? snapshot, string id, IEvent e)
    {
        var statistics = snapshot ?? new GlobalStatistics { Id = id };
        statistics.Add(e.Data);
        return statistics;
    }
}

/// <summary>Every counted event into the document of the UTC day of its own timestamp (never the projection's clock).</summary>
public sealed class DailyStatisticsProjection : MultiStreamProjection<DailyStatistics, string>
{
    public const string ProjectionName = "daily-statistics";

    public DailyStatisticsProjection()
    {
        Name = ProjectionName;
        Identity<SessionStarted>(e => DayId(e.StartedAt));
        Identity<TilesMoved>(e => DayId(e.At));
        Identity<GameOver>(e => DayId(e.At));
        Identity<SessionAbandoned>(e => DayId(e.At));
        Identity<ClaimVerified>(e => DayId(e.At));
        Identity<ClaimRejected>(e => DayId(e.At));
    }

    public static string DayId(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public override DailyStatistics? Evolve(DailyStatistics? snapshot, string id, IEvent e)
    {
        var statistics = snapshot ?? new DailyStatistics { Id = id };
        statistics.Add(e.Data);
        return statistics;
    }
}
