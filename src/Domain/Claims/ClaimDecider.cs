using EventApi.Domain.Game;

namespace EventApi.Domain.Claims;

/// <summary>A recorded claim: what was claimed, the verdict, and the game where the replay stopped.</summary>
public sealed record ClaimState
{
    public Guid Id { get; init; }
    public string Player { get; init; } = "";
    public uint Seed { get; init; }
    public int ClaimedScore { get; init; }
    public bool Verified { get; init; }

    /// <summary>The replay: after the last move of a verified claim; for a rejected one, where the replay stopped.</summary>
    public GameState Replay { get; init; }

    /// <summary>The refused move of a rejected claim (null when only the score disagrees).</summary>
    public int? MoveIndex { get; init; }

    /// <summary>Why a rejected claim was rejected: a stable code.</summary>
    public string? Reason { get; init; }

    public string? Detail { get; init; }

    /// <summary>The daily challenge a verified claim played, if any.</summary>
    public DateOnly? ChallengeDay { get; init; }

    public DateTimeOffset SubmittedAt { get; init; }
}

/// <summary>The one event a claim's stream holds, and the claim it records.</summary>
public readonly record struct ClaimDecision(object Event, ClaimState State);

/// <summary>
/// A claim as a decider with a single decision: <c>Decide(command) -> event</c> (verified or rejected, both recorded)
/// and <c>Evolve(state, event) -> state</c>, which replays the recorded moves to rebuild the game.
/// </summary>
public static class ClaimDecider
{
    public static ClaimDecision Decide(SubmitClaim command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var moves = command.Moves as Direction[] ?? [.. command.Moves];
        var verdict = ClaimVerifier.Verify(command.Seed, moves, command.ClaimedScore);
        var codes = MoveCodes.Encode(moves);
        var game = verdict.Game;

        if (verdict.IsVerified)
        {
            var verified = new ClaimVerified(command.ClaimId, command.Player, command.Seed, codes, command.ClaimedScore,
                game.Score, game.MaxTile, game.MoveCount, game.Won, game.Over, verdict.MovesByDirection,
                command.ChallengeDay, command.At);
            return new ClaimDecision(verified, Verified(verified, game));
        }

        var rejected = new ClaimRejected(command.ClaimId, command.Player, command.Seed, codes, command.ClaimedScore,
            verdict.MoveIndex, verdict.Reason!, verdict.Detail!, game.Score, command.At);
        return new ClaimDecision(rejected, Rejected(rejected, game));
    }

    /// <summary>The claim a recorded event describes, its game rebuilt by replaying the recorded moves. Events a claim
    /// does not know change nothing.</summary>
    public static ClaimState? Evolve(ClaimState? state, object @event) => @event switch
    {
        ClaimVerified e => Verified(e, ClaimVerifier.Verify(e.Seed, e.Moves, e.ClaimedScore).Game),
        ClaimRejected e => Rejected(e, ClaimVerifier.Verify(e.Seed, e.Moves, e.ClaimedScore).Game),
        _ => state,
    };

    private static ClaimState Verified(ClaimVerified e, GameState replay) =>
        Claim(e.ClaimId, e.Player, e.Seed, e.ClaimedScore, replay, e.At) with { Verified = true, ChallengeDay = e.ChallengeDay };

    private static ClaimState Rejected(ClaimRejected e, GameState replay) =>
        Claim(e.ClaimId, e.Player, e.Seed, e.ClaimedScore, replay, e.At) with { MoveIndex = e.MoveIndex, Reason = e.Reason, Detail = e.Detail };

    private static ClaimState Claim(Guid id, string player, uint seed, int claimedScore, GameState replay, DateTimeOffset at) =>
        new() { Id = id, Player = player, Seed = seed, ClaimedScore = claimedScore, Replay = replay, SubmittedAt = at };
}
