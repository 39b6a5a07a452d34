namespace EventApi.Api.Infrastructure;

/// <summary>
/// The API's one clock, to the microsecond. A command's time is in its events (their <c>at</c>), in the views it
/// answers with (<c>startedAt</c>, <c>updatedAt</c>) and, stamped on each appended event, in the store's event
/// timestamps (which PostgreSQL keeps to the microsecond): all the same instant, so <c>/replay?at=</c> with a time the
/// API showed gives the session exactly as it was then.
/// </summary>
public sealed class Clock : TimeProvider
{
    public static readonly Clock Microseconds = new();

    private Clock()
    {
    }

    public override DateTimeOffset GetUtcNow()
    {
        var now = TimeProvider.System.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }
}
