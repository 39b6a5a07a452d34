namespace EventApi.Api.Features.Sessions.Archiving;

/// <summary><c>EventApi:Archiving</c> in configuration: when finished sessions move to the archive.</summary>
public sealed class ArchivingOptions
{
    public const string Section = "EventApi:Archiving";
    public const int MaxBatchSize = 10_000;

    /// <summary>Whether this node archives. Every node does by default; nodes skip the sessions another is archiving.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A finished session (game over or abandoned) is archived once its last event is this old.</summary>
    public TimeSpan After { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often each node looks for sessions to archive.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Sessions archived per transaction; a look archives up to <see cref="SessionArchiver.BatchesPerLook"/>
    /// batches, and a backlog (as after upgrading) goes over several looks.</summary>
    public int BatchSize { get; set; } = 500;
}
