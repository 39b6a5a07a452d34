using EventApi.Domain.Game;
using EventApi.Domain.Sessions;
using static EventApi.Unit.Boards;

namespace EventApi.Unit;

/// <summary>Given events, when a command, then events (or a rejection).</summary>
public class SessionDeciderTests
{
    private static readonly Guid Id = new("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    private static readonly DateTimeOffset T0 = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly DateTimeOffset T1 = T0.AddMinutes(1);

    /// <summary>A sealed session's secret: 32 bytes, 0x01 to 0x20.</summary>
    private static readonly byte[] Secret = [.. Enumerable.Range(1, GameRandom.SecretBytes).Select(i => (byte)i)];

    private static StartSession Start(uint seed) => StartSession.Open(Id, "ada", seed, "https://example.test/hook", T0);

    private static StartSession StartSealed() => StartSession.Sealed(Id, "ada", Secret, "https://example.test/hook", T0);

    private static object[] Started(uint seed) => Accepted(Start(seed));

    private static object[] StartedSealed() => Accepted(StartSealed());

    /// <summary>A session sealed on a 32-bit seed, as the first version of <see cref="SessionStarted"/> recorded it and the
    /// store upcasts it.</summary>
    private static object[] StartedSealedOnASeed(uint seed)
    {
        Engine.Start(seed, out var first, out var second);
        return [new SessionStartedV1(Id, "ada", seed, true, SessionDecider.SeedCommitment(Id, seed), null, [first, second], T0).Upcast()];
    }

    private static object[] Accepted(SessionCommand command)
    {
        var decision = SessionDecider.Decide(command, SessionState.Initial);
        decision.IsAccepted.ShouldBeTrue();
        return [.. decision.Events];
    }

    private static Decision When(SessionCommand command, params object[] given) =>
        SessionDecider.Decide(command, SessionDecider.Fold(given));

    private static MakeMoves Moves(params Direction[] moves) => new(moves, T1);

    /// <summary>
    /// A session in the middle of a game, made by folding a crafted start that places <paramref name="rows"/>'s tiles
    /// with a seed chosen so that the generator then stands at <paramref name="rngState"/>.
    /// </summary>
    private static object[] MidGame(int[][] rows, uint rngState)
    {
        var tiles = TilesOf(rows);
        var seed = unchecked(rngState - (uint)tiles.Length * Rules.DrawsPerSpawn * Mulberry32.Increment);
        object[] events =
        [
            new SessionStarted(Id, "ada", seed, null, false, SessionDecider.SeedCommitment(Id, seed), null, tiles, T0),
        ];
        var state = SessionDecider.Fold(events);
        state.Game.Board.ShouldBe(Of(rows), "precondition: the crafted start places the board");
        state.Game.Rng.State.ShouldBe(rngState, "precondition: the crafted start positions the generator");
        return events;
    }

    // ---- starting ---------------------------------------------------------------------------------------------

    [Fact]
    public void starting_a_new_session_records_the_seed_its_commitment_and_the_two_spawned_tiles()
    {
        var decision = When(Start(1));

        decision.IsAccepted.ShouldBeTrue();
        var started = decision.Events.ShouldHaveSingleItem().ShouldBeOfType<SessionStarted>();
        started.SessionId.ShouldBe(Id);
        started.Player.ShouldBe("ada");
        started.Seed.ShouldBe(1u);
        started.Sealed.ShouldBeFalse();
        started.CallbackUrl.ShouldBe("https://example.test/hook");
        started.StartedAt.ShouldBe(T0);
        started.SeedCommitment.ShouldBe(SessionDecider.SeedCommitment(Id, 1));
        // Seed 1 starts [[2,0,0,0],[0,0,0,0],[0,0,0,0],[0,0,0,2]] in the reference (reference/games.json).
        started.Spawned.ShouldBe([new Tile(0, 0, 2), new Tile(3, 3, 2)]);
    }

    [Fact]
    public void the_folded_start_is_the_engine_start()
    {
        var state = SessionDecider.Fold(Started(12345));

        state.Status.ShouldBe(SessionStatus.Active);
        state.Id.ShouldBe(Id);
        state.Seed.ShouldBe(12345u);
        state.Secret.ShouldBeNull();
        state.Sealed.ShouldBeFalse();
        state.StartedAt.ShouldBe(T0);
        state.UpdatedAt.ShouldBe(T0);
        state.Game.ShouldBe(Engine.Start(12345, out _, out _));
    }

    [Theory]
    // node tests/Unit/reference/hand-cases.js (Node's crypto SHA-256 of "3f2504e0-4f89-11d3-9a0c-0305e82c3301:<seed>")
    [InlineData(12345u, "ca12bb6c987fde7dbf5e0ad162d6966c5d3e144236715eaa180dbc733a8845e6")]
    [InlineData(0u, "4a31c91836f1572492c17cb86f68ee69268ac4a72aa6b090a3a6dd4b6a4d8700")]
    [InlineData(4294967295u, "2680edf5d6712e8d8f35e53234f132dafb9c7ffe45163699fdd6cab944415a9e")]
    public void the_seed_commitment_is_the_lowercase_hex_sha256_of_id_colon_seed(uint seed, string expected)
    {
        SessionDecider.SeedCommitment(Id, seed).ShouldBe(expected);

        var started = When(Start(seed)).Events.ShouldHaveSingleItem().ShouldBeOfType<SessionStarted>();
        started.SeedCommitment.ShouldBe(expected);
    }

    [Fact]
    public void starting_a_session_twice_is_rejected()
    {
        var decision = When(Start(2), Started(1));

        decision.IsAccepted.ShouldBeFalse();
        decision.Rejection!.Code.ShouldBe(Rejection.AlreadyStarted);
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void moving_or_abandoning_before_the_start_is_rejected()
    {
        When(Moves(Direction.Left)).Rejection!.Code.ShouldBe(Rejection.NotStarted);
        When(new AbandonSession(T1)).Rejection!.Code.ShouldBe(Rejection.NotStarted);
    }

    [Fact]
    public void a_sealed_secret_stays_secret_while_the_session_is_active()
    {
        SessionDecider.Fold(StartedSealed()).SeedIsPublic.ShouldBeFalse();
        SessionDecider.Fold(StartedSealedOnASeed(7)).SeedIsPublic.ShouldBeFalse();
        SessionDecider.Fold(Started(7)).SeedIsPublic.ShouldBeTrue();
    }

    // ---- sealed sessions ----------------------------------------------------------------------------------------

    [Fact]
    public void starting_a_sealed_session_records_its_secret_and_the_commitment_to_it_and_no_seed()
    {
        var started = When(StartSealed()).Events.ShouldHaveSingleItem().ShouldBeOfType<SessionStarted>();

        started.Sealed.ShouldBeTrue();
        started.Seed.ShouldBeNull();
        started.Secret.ShouldBe(Convert.ToHexStringLower(Secret));
        started.SeedCommitment.ShouldBe(SessionDecider.SeedCommitment(Id, Convert.ToHexStringLower(Secret)));
        started.ChallengeDay.ShouldBeNull();
    }

    [Fact]
    public void a_sealed_session_spawns_from_hmac_sha256_of_its_secret_and_folds_to_the_engine_game()
    {
        var started = When(StartSealed()).Events.ShouldHaveSingleItem().ShouldBeOfType<SessionStarted>();

        var engine = Engine.Start(GameRandom.Sealed(Secret), out var first, out var second);
        started.Spawned.ShouldBe([first, second]);
        SessionDecider.Fold([started]).Game.ShouldBe(engine);
    }

    [Theory]
    // Independent of this code: python3 -c "import hashlib; print(hashlib.sha256(b'3f2504e0-4f89-11d3-9a0c-0305e82c3301:' + bytes(range(1,33)).hex().encode()).hexdigest())"
    [InlineData("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20", "301f342b3b2f01c00a41331f77f668c40c270186e63b483cedd9fafda4583cc5")]
    public void a_sealed_commitment_is_the_lowercase_hex_sha256_of_id_colon_secret(string secret, string expected)
    {
        SessionDecider.SeedCommitment(Id, secret).ShouldBe(expected);
    }

    [Fact]
    public void starting_on_both_a_seed_and_a_secret_or_on_neither_is_a_programming_error()
    {
        Should.Throw<ArgumentException>(() => When(new StartSession(Id, "ada", 1, Secret, null, T0)));
        Should.Throw<ArgumentException>(() => When(new StartSession(Id, "ada", null, null, null, T0)));
        Should.Throw<ArgumentException>(() => When(new StartSession(Id, "ada", null, [1, 2, 3], null, T0)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ending_a_sealed_session_reveals_its_secret(bool gameOver)
    {
        // A left move leaves one empty cell whose neighbours are an 8 and a 16: whatever spawns there, the game is over.
        var tiles = TilesOf([[2, 4, 2, 4], [4, 2, 4, 2], [2, 4, 2, 16], [0, 4, 2, 8]]);
        var hex = Convert.ToHexStringLower(Secret);
        object[] given = [new SessionStarted(Id, "ada", null, hex, true, SessionDecider.SeedCommitment(Id, hex), null, tiles, T0)];

        var decision = gameOver ? When(Moves(Direction.Left), given) : When(new AbandonSession(T1), given);

        var (seed, secret) = decision.Events[^1] switch
        {
            GameOver e => (e.Seed, e.Secret),
            SessionAbandoned e => (e.Seed, e.Secret),
            var other => throw new ShouldAssertException($"The last event is {other}."),
        };
        seed.ShouldBeNull();
        secret.ShouldBe(hex);
        SessionDecider.Fold([.. given, .. decision.Events]).SeedIsPublic.ShouldBeTrue();
    }

    // ---- moving -----------------------------------------------------------------------------------------------

    [Fact]
    public void each_move_produces_one_tiles_moved_event_with_its_merges_score_and_spawn()
    {
        // Reference game seed 1 (reference/games.json): R, L, L, U all move;
        // L #2: [2,0,0,2] merges into 4 at (0,0), a 2 spawns at (3,3); U: column 0 [4,0,0,4] merges into 8 at (0,0),
        // a 2 spawns at (2,0), leaving [[8,2,2,2],[0,0,0,0],[0,0,0,0],[0,0,0,0]] and a score of 12.
        var given = Started(1);

        var decision = When(Moves(Direction.Right, Direction.Left, Direction.Left, Direction.Up), given);

        decision.IsAccepted.ShouldBeTrue();
        var moved = decision.Events.Select(e => e.ShouldBeOfType<TilesMoved>()).ToList();
        moved.Select(e => e.Direction).ShouldBe([Direction.Right, Direction.Left, Direction.Left, Direction.Up]);
        moved.ShouldAllBe(e => e.At == T1);
        moved[0].Merged.ShouldBeEmpty();
        moved[0].ScoreGained.ShouldBe(0);
        moved[2].Merged.ShouldBe([new Tile(0, 0, 4)]);
        moved[2].ScoreGained.ShouldBe(4);
        moved[2].Spawned.ShouldBe(new Tile(3, 3, 2));
        moved[3].Merged.ShouldBe([new Tile(0, 0, 8)]);
        moved[3].ScoreGained.ShouldBe(8);
        moved[3].Spawned.ShouldBe(new Tile(2, 0, 2));

        var state = SessionDecider.Fold([.. given, .. decision.Events]);
        state.Game.Board.ShouldBe(Of([[8, 2, 2, 2], Empty, Empty, Empty]));
        state.Game.Score.ShouldBe(12);
        state.Game.MoveCount.ShouldBe(4);
        state.UpdatedAt.ShouldBe(T1);
    }

    [Fact]
    public void a_move_that_moves_nothing_rejects_the_whole_batch_naming_its_index()
    {
        // In the seed 1 reference game the fifth move, a second Up, moves nothing.
        var decision = When(Moves(Direction.Right, Direction.Left, Direction.Left, Direction.Up, Direction.Up), Started(1));

        decision.IsAccepted.ShouldBeFalse();
        decision.Rejection!.Code.ShouldBe(Rejection.MoveChangesNothing);
        decision.Rejection.MoveIndex.ShouldBe(4);
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void a_first_move_that_moves_nothing_is_rejected_at_index_zero()
    {
        // [2,4] already sits against the left wall: Left moves nothing.
        var given = MidGame([[2, 4, 0, 0], Empty, Empty, Empty], 1);

        var decision = When(Moves(Direction.Left, Direction.Right), given);

        decision.Rejection!.Code.ShouldBe(Rejection.MoveChangesNothing);
        decision.Rejection.MoveIndex.ShouldBe(0);
        decision.Events.ShouldBeEmpty();
    }

    public static TheoryData<string> Endings => new() { "over", "abandoned" };

    [Theory]
    [MemberData(nameof(Endings))]
    public void moves_on_a_session_that_has_ended_are_rejected_as_not_active(string ending)
    {
        object end = ending == "over"
            ? new GameOver("ada", 4, 2, 0, 1, null, T0)
            : new SessionAbandoned("ada", 4, 2, 0, 1, null, T0);
        object[] given = [.. Started(1), end];

        var decision = When(Moves(Direction.Right), given);

        decision.IsAccepted.ShouldBeFalse();
        decision.Rejection!.Code.ShouldBe(Rejection.NotActive);
        decision.Rejection.MoveIndex.ShouldBe(0);
        decision.Events.ShouldBeEmpty();
    }

    // The last row slides left to [4,2,4,_]; seed 1's draws (0.627, 0.0027) spawn a 2 in that only empty cell and lock
    // the board: [[2,4,2,4],[4,2,4,2],[2,4,2,4],[4,2,4,2]].
    private static readonly int[][] PreLock = [[2, 4, 2, 4], [4, 2, 4, 2], [2, 4, 2, 4], [0, 4, 2, 4]];

    [Fact]
    public void a_move_that_locks_the_board_ends_the_game_and_reveals_the_seed()
    {
        var given = MidGame(PreLock, 1);
        var seed = SessionDecider.Fold(given).Seed;

        var decision = When(Moves(Direction.Left), given);

        decision.IsAccepted.ShouldBeTrue();
        decision.Events.Count.ShouldBe(2);
        decision.Events[0].ShouldBeOfType<TilesMoved>().Spawned.ShouldBe(new Tile(3, 3, 2));
        decision.Events[1].ShouldBe(new GameOver("ada", 0, 4, 1, seed, null, T1));

        var state = SessionDecider.Fold([.. given, .. decision.Events]);
        state.Status.ShouldBe(SessionStatus.Over);
        state.Game.Over.ShouldBeTrue();
        state.UpdatedAt.ShouldBe(T1);
    }

    [Fact]
    public void a_batch_that_goes_on_after_the_game_ends_is_rejected_at_the_first_move_after_the_end()
    {
        var decision = When(Moves(Direction.Left, Direction.Up), MidGame(PreLock, 1));

        decision.IsAccepted.ShouldBeFalse();
        decision.Rejection!.Code.ShouldBe(Rejection.NotActive);
        decision.Rejection.MoveIndex.ShouldBe(1);
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void a_move_that_fills_the_board_next_to_an_equal_tile_does_not_end_the_game()
    {
        // 12345's draws (0.980, 0.307) spawn a 4 next to a 4.
        var decision = When(Moves(Direction.Left), MidGame(PreLock, 12345));

        decision.Events.ShouldHaveSingleItem().ShouldBeOfType<TilesMoved>().Spawned.ShouldBe(new Tile(3, 3, 4));
    }

    [Fact]
    public void a_seed_sealed_by_the_first_version_is_revealed_when_the_game_is_over()
    {
        var tiles = TilesOf(PreLock);
        var seed = unchecked(1u - (uint)tiles.Length * Rules.DrawsPerSpawn * Mulberry32.Increment);
        object[] given = [new SessionStartedV1(Id, "ada", seed, true, SessionDecider.SeedCommitment(Id, seed), null, tiles, T0).Upcast()];
        SessionDecider.Fold(given).SeedIsPublic.ShouldBeFalse();

        var decision = When(Moves(Direction.Left), given);

        decision.Events.OfType<GameOver>().ShouldHaveSingleItem().Seed.ShouldBe(seed);
        SessionDecider.Fold([.. given, .. decision.Events]).SeedIsPublic.ShouldBeTrue();
    }

    // ---- milestones ---------------------------------------------------------------------------------------------

    public static TheoryData<string, int[][], int[]> MilestoneCases => new()
    {
        { "a first 512", [[256, 256, 0, 0], Empty, Empty, Empty], [512] },
        { "two 512s in one move", [[256, 256, 256, 256], Empty, Empty, Empty], [512] },
        { "a 512 when there is one already", [[256, 256, 0, 0], Empty, Empty, [512, 0, 0, 0]], [] },
        { "a 1024 over a 512", [[512, 512, 0, 0], Empty, Empty, Empty], [1024] },
        { "a 1024 over another 1024", [[512, 512, 0, 0], Empty, Empty, [1024, 0, 0, 0]], [] },
        { "a 2048", [[1024, 1024, 0, 0], Empty, Empty, [512, 0, 0, 0]], [2048] },
        { "a 4096 past 2048", [[2048, 2048, 0, 0], Empty, Empty, Empty], [4096] },
        { "a 256, below the first milestone", [[128, 128, 0, 0], Empty, Empty, Empty], [] },
        { "a 512 smaller than a tile there already", [[256, 256, 0, 0], Empty, Empty, [1024, 0, 0, 0]], [] },
    };

    [Theory]
    [MemberData(nameof(MilestoneCases))]
    public void a_milestone_is_reached_when_a_tile_of_at_least_512_is_made_larger_than_any_before(
        string name, int[][] rows, int[] milestones)
    {
        var decision = When(Moves(Direction.Left), MidGame(rows, 1));

        decision.IsAccepted.ShouldBeTrue(name);
        var moved = decision.Events[0].ShouldBeOfType<TilesMoved>();
        decision.Events.OfType<MilestoneReached>()
            .ShouldBe(milestones.Select(tile => new MilestoneReached(tile, moved.ScoreGained, 1, T1)), name);
    }

    [Fact]
    public void a_milestone_follows_the_move_that_made_it()
    {
        var given = MidGame([[2, 0, 0, 0], Empty, Empty, [256, 256, 0, 0]], 1);

        var decision = When(Moves(Direction.Right, Direction.Left), given);

        decision.IsAccepted.ShouldBeTrue();
        decision.Events.Select(e => e.GetType()).ShouldBe([typeof(TilesMoved), typeof(MilestoneReached), typeof(TilesMoved)]);
        decision.Events[1].ShouldBe(new MilestoneReached(512, 512, 1, T1));
    }

    // ---- abandoning ---------------------------------------------------------------------------------------------

    [Fact]
    public void abandoning_ends_the_session_and_reveals_the_seed()
    {
        object[] given = StartedSealedOnASeed(1);
        var moved = When(Moves(Direction.Right, Direction.Left, Direction.Left, Direction.Up), given).Events;
        given = [.. given, .. moved];

        var decision = When(new AbandonSession(T1.AddMinutes(1)), given);

        decision.IsAccepted.ShouldBeTrue();
        decision.Events.ShouldHaveSingleItem().ShouldBe(new SessionAbandoned("ada", 12, 8, 4, 1, null, T1.AddMinutes(1)));
        var state = SessionDecider.Fold([.. given, .. decision.Events]);
        state.Status.ShouldBe(SessionStatus.Abandoned);
        state.SeedIsPublic.ShouldBeTrue();
        state.UpdatedAt.ShouldBe(T1.AddMinutes(1));
    }

    [Theory]
    [MemberData(nameof(Endings))]
    public void abandoning_a_session_that_has_ended_is_rejected(string ending)
    {
        object end = ending == "over"
            ? new GameOver("ada", 4, 2, 0, 1, null, T0)
            : new SessionAbandoned("ada", 4, 2, 0, 1, null, T0);

        var decision = When(new AbandonSession(T1), [.. Started(1), end]);

        decision.Rejection!.Code.ShouldBe(Rejection.NotActive);
        decision.Events.ShouldBeEmpty();
    }

    // ---- folding --------------------------------------------------------------------------------------------------

    [Fact]
    public void an_event_the_fold_does_not_know_changes_nothing()
    {
        object[] given = Started(3);

        SessionDecider.Fold([.. given, "something from a later version"]).ShouldBe(SessionDecider.Fold(given));
    }
}
