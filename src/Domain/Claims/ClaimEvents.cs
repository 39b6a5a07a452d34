using EventApi.Domain.Game;

namespace EventApi.Domain.Claims;

// A claim is a game a client played offline and submitted as (player, seed, moves, claimed score). The server
// replays it with the engine and records the verdict as the one event of the claim's own stream. Each verdict
// carries the submission itself (moves in the compact form of MoveCodes), so a claim can be verified again later.

/// <summary>The replay reached the claimed score exactly, and every move was a real move.</summary>
public sealed record ClaimVerified(
    Guid ClaimId,
    string Player,
    uint Seed,
    string Moves,
    int ClaimedScore,
    int FinalScore,
    int MaxTile,
    int MoveCount,
    bool Won,
    bool Over,
    MoveCounts MovesByDirection,
    DateOnly? ChallengeDay,
    DateTimeOffset At);

/// <summary>The replay refuted the claim: at <paramref name="MoveIndex"/> (null when every move was played and only
/// the score disagrees) for <paramref name="Reason"/> (a stable code), with the score the replay reached.</summary>
public sealed record ClaimRejected(
    Guid ClaimId,
    string Player,
    uint Seed,
    string Moves,
    int ClaimedScore,
    int? MoveIndex,
    string Reason,
    string Detail,
    int ReplayedScore,
    DateTimeOffset At);

/// <summary>How many moves went each way.</summary>
/// <param name="Up">Moves up.</param>
/// <param name="Right">Moves right.</param>
/// <param name="Down">Moves down.</param>
/// <param name="Left">Moves left.</param>
public sealed record MoveCounts(long Up, long Right, long Down, long Left)
{
    public static readonly MoveCounts None = new(0, 0, 0, 0);

    public long Total => Up + Right + Down + Left;

    public MoveCounts Add(Direction direction) => direction switch
    {
        Direction.Up => this with { Up = Up + 1 },
        Direction.Right => this with { Right = Right + 1 },
        Direction.Down => this with { Down = Down + 1 },
        Direction.Left => this with { Left = Left + 1 },
        _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "Unknown direction."),
    };

    public MoveCounts Add(MoveCounts other) =>
        new(Up + other.Up, Right + other.Right, Down + other.Down, Left + other.Left);
}
