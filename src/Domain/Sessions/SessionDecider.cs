using System.Security.Cryptography;
using System.Text;
using EventApi.Domain.Game;

namespace EventApi.Domain.Sessions;

/// <summary>The session as a decider: <c>Decide(command, state) -> events</c> and <c>Evolve(state, event) -> state</c>.</summary>
public static class SessionDecider
{
    /// <summary>The smallest tile that counts as a milestone.</summary>
    public const int FirstMilestone = 512;

    public static Decision Decide(SessionCommand command, SessionState state) => command switch
    {
        StartSession start => Start(start, state),
        MakeMoves moves => Move(moves, state),
        AbandonSession abandon => Abandon(abandon, state),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "Unknown command."),
    };

    public static SessionState Evolve(SessionState state, object @event) => @event switch
    {
        SessionStarted e => state with
        {
            Id = e.SessionId,
            Player = e.Player,
            Seed = e.Seed,
            Secret = e.Secret,
            Sealed = e.Sealed,
            SeedCommitment = e.SeedCommitment,
            CallbackUrl = e.CallbackUrl,
            Status = SessionStatus.Active,
            Game = Started(e),
            StartedAt = e.StartedAt,
            UpdatedAt = e.StartedAt,
            ChallengeDay = e.ChallengeDay,
        },
        TilesMoved e => state with { Game = Engine.Replay(state.Game, e.Direction, e.Spawned), UpdatedAt = e.At },
        MilestoneReached e => state with { UpdatedAt = e.At },
        GameOver e => state with { Status = SessionStatus.Over, UpdatedAt = e.At },
        SessionAbandoned e => state with { Status = SessionStatus.Abandoned, UpdatedAt = e.At },
        // An event this version does not know changes nothing it knows about.
        _ => state,
    };

    public static SessionState Fold(IEnumerable<object> events) => Fold(SessionState.Initial, events);

    /// <summary>The fold of <paramref name="events"/> from <paramref name="state"/>: a checkpoint's state and the events after it.</summary>
    public static SessionState Fold(SessionState state, IEnumerable<object> events) => events.Aggregate(state, Evolve);

    /// <summary>The lowercase hex SHA-256 of the UTF-8 text <c>"{id}:{seed}"</c> (the id in its 36-character form).</summary>
    public static string SeedCommitment(Guid sessionId, uint seed) => Commitment($"{sessionId:D}:{seed}");

    /// <summary>The lowercase hex SHA-256 of the UTF-8 text <c>"{id}:{secret}"</c>: the id in its 36-character form,
    /// the secret in lowercase hex. A commitment to 256 random bits cannot be searched.</summary>
    public static string SeedCommitment(Guid sessionId, string secret) => Commitment($"{sessionId:D}:{secret}");

    private static string Commitment(string text)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash);
    }

    private static GameRandom RandomOf(uint? seed, string? secret) =>
        secret is not null ? GameRandom.Sealed(Convert.FromHexString(secret)) : GameRandom.Open(seed!.Value);

    private static GameState Started(SessionStarted e)
    {
        var board = default(Board);
        foreach (var tile in e.Spawned) board.Place(tile);
        var rng = RandomOf(e.Seed, e.Secret).Advance((uint)e.Spawned.Length * Rules.DrawsPerSpawn);
        return new GameState(board, rng, 0, 0);
    }

    private static Decision Start(StartSession command, SessionState state)
    {
        if (command.Seed is null == command.Secret is null)
            throw new ArgumentException("A session starts on a seed or on a secret: exactly one of the two.", nameof(command));
        if (command.Secret is { Length: not GameRandom.SecretBytes } wrongLength)
            throw new ArgumentException($"A sealed session's secret is {GameRandom.SecretBytes} bytes, not {wrongLength.Length}.", nameof(command));
        if (state.Status != SessionStatus.NotStarted)
            return Decision.Reject(new Rejection(Rejection.AlreadyStarted, $"Session {state.Id} has already started."));

        var secret = command.Secret is { } bytes ? Convert.ToHexStringLower(bytes) : null;
        Engine.Start(RandomOf(command.Seed, secret), out var first, out var second);
        return Decision.Accept([
            new SessionStarted(
                command.SessionId,
                command.Player,
                command.Seed,
                secret,
                Sealed: secret is not null,
                secret is not null ? SeedCommitment(command.SessionId, secret) : SeedCommitment(command.SessionId, command.Seed!.Value),
                command.CallbackUrl,
                [first, second],
                command.At,
                command.ChallengeDay),
        ]);
    }

    private static Decision Move(MakeMoves command, SessionState state)
    {
        if (state.Status == SessionStatus.NotStarted)
            return Decision.Reject(new Rejection(Rejection.NotStarted, "The session has not started."));
        if (state.Status != SessionStatus.Active)
            return Decision.Reject(new Rejection(Rejection.NotActive, $"Move 0 cannot be played: the session is {Name(state.Status)}.", 0));

        var events = new List<object>(command.Moves.Count + 1);
        var game = state.Game;
        var status = state.Status;
        Span<Tile> merges = stackalloc Tile[Rules.MaxMergesPerMove];

        for (var i = 0; i < command.Moves.Count; i++)
        {
            var direction = command.Moves[i];
            if (status != SessionStatus.Active)
            {
                return Decision.Reject(new Rejection(
                    Rejection.NotActive,
                    $"Move {i} ({Name(direction)}) cannot be played: the session is {Name(status)}.",
                    i));
            }

            var maxBefore = game.MaxTile;
            if (!Engine.TryMove(ref game, direction, merges, out var outcome))
            {
                return Decision.Reject(new Rejection(
                    Rejection.MoveChangesNothing,
                    $"Move {i} ({Name(direction)}) moves no tile.",
                    i));
            }

            events.Add(new TilesMoved(direction, merges[..outcome.MergeCount].ToArray(), outcome.ScoreGained, outcome.Spawned, command.At));

            if (game.MaxTile > maxBefore && game.MaxTile >= FirstMilestone)
                events.Add(new MilestoneReached(game.MaxTile, game.Score, game.MoveCount, command.At));

            if (game.Over)
            {
                events.Add(new GameOver(state.Player, game.Score, game.MaxTile, game.MoveCount, state.Seed, state.Secret, command.At));
                status = SessionStatus.Over;
            }
        }

        return Decision.Accept(events);
    }

    private static Decision Abandon(AbandonSession command, SessionState state)
    {
        if (state.Status == SessionStatus.NotStarted)
            return Decision.Reject(new Rejection(Rejection.NotStarted, "The session has not started."));
        if (state.Status != SessionStatus.Active)
            return Decision.Reject(new Rejection(Rejection.NotActive, $"The session is already {Name(state.Status)}."));

        var game = state.Game;
        return Decision.Accept([new SessionAbandoned(state.Player, game.Score, game.MaxTile, game.MoveCount, state.Seed, state.Secret, command.At)]);
    }

    public static string Name(Direction direction) => direction switch
    {
        Direction.Up => "up",
        Direction.Right => "right",
        Direction.Down => "down",
        Direction.Left => "left",
        _ => direction.ToString(),
    };

    public static string Name(SessionStatus status) => status switch
    {
        SessionStatus.NotStarted => "not started",
        SessionStatus.Active => "active",
        SessionStatus.Over => "over",
        SessionStatus.Abandoned => "abandoned",
        _ => status.ToString(),
    };
}
