namespace EventApi.Api.Live;

/// <summary><c>EventApi:Live</c> in configuration: what one node gives its spectators.</summary>
public sealed class LiveOptions
{
    public const string Section = "EventApi:Live";

    /// <summary>Open streams this node serves at most; one more is answered 503 with <c>Retry-After</c>.</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>Reads a spectator may have waiting to be written before it is dropped (it resumes with
    /// <c>Last-Event-ID</c>). A read brings the frames of one or more appends (one append of a batch of moves is many
    /// frames); frames are shared between a session's spectators, so this bounds references, not copies.</summary>
    public int SpectatorBacklog { get; set; } = 64;

    /// <summary>A comment line goes to a stream that has had nothing else for this long, so that proxies keep it open.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The <c>retry:</c> hint at the start of every stream: how soon a browser reconnects after a drop.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The <c>Retry-After</c> of a 503 when the node serves <see cref="MaxConnections"/> streams.</summary>
    public TimeSpan RetryAfterWhenFull { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Batches of reads this node makes at once for its spectators (<see cref="FeedReads"/>: one read per
    /// watched session per wake-up, those asked together in one batch).</summary>
    public int MaxConcurrentReads { get; set; } = 8;
}
