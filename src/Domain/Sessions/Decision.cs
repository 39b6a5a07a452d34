namespace EventApi.Domain.Sessions;

/// <summary>Why a command was refused. <see cref="Code"/> is stable; <see cref="MoveIndex"/> names the move at
/// fault in a batch.</summary>
public sealed record Rejection(string Code, string Detail, int? MoveIndex = null)
{
    public const string AlreadyStarted = "session-already-started";
    public const string NotStarted = "session-not-started";
    public const string NotActive = "session-not-active";
    public const string MoveChangesNothing = "move-changes-nothing";
}

/// <summary>The outcome of deciding a command: the events to append, or why nothing may be appended.</summary>
public readonly record struct Decision(IReadOnlyList<object> Events, Rejection? Rejection)
{
    public bool IsAccepted => Rejection is null;

    public static Decision Accept(IReadOnlyList<object> events) => new(events, null);

    public static Decision Reject(Rejection rejection) => new([], rejection);
}
