using EventApi.Domain.Sessions;

namespace EventApi.Projections.Sessions;

/// <summary>
/// A session's state at a version that is a multiple of <see cref="Every"/>, kept by <see cref="SessionViewProjection"/>
/// in the transaction that appends that event. A replay to version v starts from the checkpoint at
/// <see cref="Before"/>(v) and folds fewer than <see cref="Every"/> events, however long the stream. A checkpoint is the
/// decider's fold of the events up to its version, so it is never wrong, only possibly missing (a stream written before
/// checkpoints were kept): a reader then folds from the first event.
/// </summary>
public sealed class SessionCheckpoint
{
    /// <summary>A checkpoint every this many events: folding them costs about one round trip to PostgreSQL, and a
    /// checkpoint (about 600 bytes) adds about 1 % to what the events take.</summary>
    public const int Every = 100;

    /// <summary><see cref="IdOf"/>(<see cref="SessionId"/>, <see cref="Version"/>).</summary>
    public string Id { get; set; } = "";

    public Guid SessionId { get; set; }

    /// <summary>The stream version the state is at: a multiple of <see cref="Every"/>.</summary>
    public long Version { get; set; }

    /// <summary>The timestamp of the event at <see cref="Version"/>.</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>The fold of the stream's events up to <see cref="Version"/>. Private: it holds what the session's owner
    /// alone sees (a sealed game's secret, the callback URL), as the session view does.</summary>
    public SessionState State { get; set; } = SessionState.Initial;

    public static string IdOf(Guid session, long version) => $"{session:N}/{version}";

    /// <summary>The version of the last checkpoint at or before <paramref name="version"/>; 0 when there is none (the fold
    /// then starts from the first event).</summary>
    public static long Before(long version) => version / Every * Every;
}
