namespace EventApi.Api.Features.Sessions.Archiving;

/// <summary><c>EventApi:Archiving</c> in configuration: when finished sessions move to the archive.</summary>
public sealed class ArchivingOptions
{
    public const string Section = "EventApi:Archiving";
    public const int MaxBatchSize = 10_000;

    /// <summary>Whether the store archives finished sessions: its event tables partitioned by <c>is_archived</c>, and
    /// every node archiving (nodes skip the sessions another is archiving). Off by default: the partitions cost every
    /// append. Every node must say the same; a store converted cannot go back.</summary>
    public bool Enabled { get; set; }

    /// <summary><see cref="Enabled"/> as <paramref name="configuration"/> sets it (the store's schema is built before
    /// options are bound).</summary>
    public static bool IsEnabled(IConfiguration configuration) =>
        configuration.GetSection(Section).GetValue<bool>(nameof(Enabled));

    /// <summary>A finished session (game over or abandoned) is archived once its last event is this old.</summary>
    public TimeSpan After { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often each node looks for sessions to archive.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Sessions archived per transaction; a look archives up to <see cref="SessionArchiver.BatchesPerLook"/>
    /// batches, and a backlog (as after upgrading) goes over several looks.</summary>
    public int BatchSize { get; set; } = 500;
}
