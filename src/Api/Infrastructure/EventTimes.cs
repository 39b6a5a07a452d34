using JasperFx.Events;

namespace EventApi.Api.Infrastructure;

public static class EventTimes
{
    /// <summary>Stamps the command's time on the events about to be appended, as the store's timestamp of each
    /// (see <see cref="Clock"/>).</summary>
    public static void StampedAt(this IReadOnlyList<IEvent> appended, DateTimeOffset at)
    {
        foreach (var e in appended) e.Timestamp = at;
    }
}
