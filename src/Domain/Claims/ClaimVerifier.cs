using System.Buffers;
using EventApi.Domain.Game;
using EventApi.Domain.Sessions;

namespace EventApi.Domain.Claims;

/// <summary>What replaying a claim found: the game where the replay stopped, and why it refuted the claim, if it did.</summary>
/// <param name="Game">After the last move for a claim every move of which was real; otherwise just before the refused
/// move (or after every move, when only the score disagrees).</param>
/// <param name="MovesByDirection">The real moves the replay played, by direction.</param>
/// <param name="MoveIndex">The refused move's index; null when the claim is verified or only its score disagrees.</param>
/// <param name="Reason">A stable code (<see cref="ClaimVerifier.MoveChangesNothing"/>, <see cref="ClaimVerifier.GameAlreadyOver"/>,
/// <see cref="ClaimVerifier.ScoreMismatch"/>); null when the claim is verified.</param>
/// <param name="Detail">At which move and why, in a sentence; null when the claim is verified.</param>
public readonly record struct ClaimVerdict(GameState Game, MoveCounts MovesByDirection, int? MoveIndex, string? Reason, string? Detail)
{
    public bool IsVerified => Reason is null;
}

/// <summary>
/// Replays a claimed game with the engine: every move must move a tile of a game that is not over, and the replay
/// must reach the claimed score exactly. Linear in the moves and allocation-free per move (the engine works on value
/// types and is given no merge buffer), so a 100,000-move claim replays in milliseconds.
/// </summary>
public static class ClaimVerifier
{
    public const string MoveChangesNothing = "move-changes-nothing";
    public const string GameAlreadyOver = "game-already-over";
    public const string ScoreMismatch = "score-mismatch";

    public static ClaimVerdict Verify(uint seed, ReadOnlySpan<Direction> moves, int claimedScore)
    {
        var game = Engine.Start(seed, out _, out _);
        long up = 0, right = 0, down = 0, left = 0;

        for (var i = 0; i < moves.Length; i++)
        {
            var direction = moves[i];
            if (!Engine.TryMove(ref game, direction, [], out _))
            {
                // On a board with no move left nothing moves, so an over game is told apart only when a move fails.
                var counts = new MoveCounts(up, right, down, left);
                return game.Over
                    ? new ClaimVerdict(game, counts, i, GameAlreadyOver,
                        $"Move {i} ({SessionDecider.Name(direction)}) cannot be played: the game was over after move {i - 1}.")
                    : new ClaimVerdict(game, counts, i, MoveChangesNothing,
                        $"Move {i} ({SessionDecider.Name(direction)}) moves no tile.");
            }

            switch (direction)
            {
                case Direction.Up: up++; break;
                case Direction.Right: right++; break;
                case Direction.Down: down++; break;
                case Direction.Left: left++; break;
            }
        }

        var played = new MoveCounts(up, right, down, left);
        return game.Score == claimedScore
            ? new ClaimVerdict(game, played, null, null, null)
            : new ClaimVerdict(game, played, null, ScoreMismatch,
                $"Every one of the {moves.Length} moves was played, and the replay scored {game.Score}, not the claimed {claimedScore}.");
    }

    /// <summary>Replays moves stored as <see cref="MoveCodes"/>, decoded into a pooled buffer.</summary>
    public static ClaimVerdict Verify(uint seed, string moveCodes, int claimedScore)
    {
        ArgumentNullException.ThrowIfNull(moveCodes);
        var buffer = ArrayPool<Direction>.Shared.Rent(moveCodes.Length);
        try
        {
            for (var i = 0; i < moveCodes.Length; i++) buffer[i] = MoveCodes.Decode(moveCodes[i]);
            return Verify(seed, buffer.AsSpan(0, moveCodes.Length), claimedScore);
        }
        finally
        {
            ArrayPool<Direction>.Shared.Return(buffer);
        }
    }
}
