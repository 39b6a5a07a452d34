namespace EventApi.Api.Features.Achievements;

/// <summary>The first time a player reached a milestone tile. One per player and tile, however often the event that
/// earned it is delivered: the id is <c>{player}:{tile}</c>.</summary>
public sealed class Achievement
{
    /// <summary><c>{player}:{tile}</c>.</summary>
    /// <example>alice:512</example>
    public string Id { get; set; } = "";

    /// <example>alice</example>
    public string Player { get; set; } = "";

    /// <summary>The milestone tile: 512, 1024, 2048, ...</summary>
    /// <example>512</example>
    public int Tile { get; set; }

    /// <summary>The session that reached it first.</summary>
    /// <example>0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10</example>
    public Guid SessionId { get; set; }

    /// <summary>The stream version of the session's MilestoneReached event.</summary>
    /// <example>274</example>
    public long Version { get; set; }

    /// <summary>The event's global sequence, which decides which session was first.</summary>
    /// <example>1187</example>
    public long Sequence { get; set; }

    /// <summary>When the milestone was reached (the event's timestamp).</summary>
    /// <example>2026-11-22T12:04:10+00:00</example>
    public DateTimeOffset ReachedAt { get; set; }

    /// <summary>When the achievement was recorded.</summary>
    /// <example>2026-11-22T12:04:10.2+00:00</example>
    public DateTimeOffset RecordedAt { get; set; }

    public static string IdFor(string player, int tile) => $"{player}:{tile}";
}
