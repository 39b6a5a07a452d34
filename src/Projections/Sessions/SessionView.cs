using System.Text.Json.Serialization;
using EventApi.Domain.Sessions;

namespace EventApi.Projections.Sessions;

/// <summary>
/// The current state of one session, kept inline: written in the same transaction as the events it folds, so a
/// command reads it with <c>FetchForWriting</c> in one query and a reader loads it by id.
/// </summary>
public sealed class SessionView
{
    /// <summary>The stream id.</summary>
    public Guid Id { get; set; }

    /// <summary>The stream version this view has folded up to; Marten sets it.</summary>
    public long Version { get; set; }

    /// <summary>The decider's state, the fold of the stream.</summary>
    public SessionState State { get; set; } = SessionState.Initial;

    /// <summary>The checkpoints the projection's fold passed since this view was loaded, which it stores beside it
    /// (<see cref="SessionViewProjection.RaiseSideEffects"/>); never stored with the view.</summary>
    [JsonIgnore]
    public IReadOnlyList<SessionCheckpoint>? Passed { get; set; }
}
