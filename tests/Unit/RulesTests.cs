using EventApi.Domain.Game;
using static EventApi.Unit.Boards;

namespace EventApi.Unit;

/// <summary>
/// Hand-worked moves, spawns, game over and winning. Every expected value here was also checked against the reference
/// game manager: `node tests/Unit/reference/hand-cases.js`.
/// </summary>
public class RulesTests
{
    private static (Board Board, bool Moved, int MergeCount, int Score, Tile[] Merges) Slide(int[][] rows, Direction direction)
    {
        var board = Of(rows);
        Span<Tile> merges = stackalloc Tile[Rules.MaxMergesPerMove];
        var moved = Rules.Slide(ref board, direction, merges, out var mergeCount, out var score);
        return (board, moved, mergeCount, score, merges[..mergeCount].ToArray());
    }

    [Fact]
    public void moving_left_merges_each_pair_of_equal_tiles_once()
    {
        var (board, moved, mergeCount, score, merges) = Slide([[2, 2, 2, 2], Empty, Empty, Empty], Direction.Left);

        moved.ShouldBeTrue();
        board.ShouldBe(Of([[4, 4, 0, 0], Empty, Empty, Empty]));
        score.ShouldBe(8);
        mergeCount.ShouldBe(2);
        merges.ShouldBe([new Tile(0, 0, 4), new Tile(1, 0, 4)], ignoreOrder: true);
    }

    [Fact]
    public void a_tile_made_by_a_merge_does_not_merge_again_in_the_same_move()
    {
        var (board, _, mergeCount, score, merges) = Slide([[4, 4, 8, 0], Empty, Empty, Empty], Direction.Left);

        board.ShouldBe(Of([[8, 8, 0, 0], Empty, Empty, Empty]));
        score.ShouldBe(8);
        mergeCount.ShouldBe(1);
        merges.ShouldBe([new Tile(0, 0, 8)]);
    }

    [Fact]
    public void a_merged_tile_does_not_merge_with_an_equal_tile_that_was_already_there()
    {
        var (board, _, _, score, _) = Slide([[2, 2, 4, 0], Empty, Empty, Empty], Direction.Left);

        board.ShouldBe(Of([[4, 4, 0, 0], Empty, Empty, Empty]));
        score.ShouldBe(4);
    }

    [Fact]
    public void equal_tiles_merge_across_empty_cells()
    {
        var (board, _, _, score, merges) = Slide([[2, 0, 0, 2], Empty, Empty, Empty], Direction.Left);

        board.ShouldBe(Of([[4, 0, 0, 0], Empty, Empty, Empty]));
        score.ShouldBe(4);
        merges.ShouldBe([new Tile(0, 0, 4)]);
    }

    [Fact]
    public void of_three_equal_tiles_the_two_nearest_the_wall_merge()
    {
        Slide([[2, 2, 2, 0], Empty, Empty, Empty], Direction.Left).Board
            .ShouldBe(Of([[4, 2, 0, 0], Empty, Empty, Empty]));
        Slide([[2, 2, 2, 0], Empty, Empty, Empty], Direction.Right).Board
            .ShouldBe(Of([[0, 0, 2, 4], Empty, Empty, Empty]));
    }

    public static TheoryData<Direction, int[][], int[][], int, int[][]> DirectionCases => new()
    {
        // direction, before, after, score gained, merges as [x, y, value] at their destinations
        { Direction.Right, [[2, 2, 2, 2], Empty, Empty, Empty], [[0, 0, 4, 4], Empty, Empty, Empty], 8, [[2, 0, 4], [3, 0, 4]] },
        { Direction.Right, [[0, 8, 4, 4], Empty, Empty, Empty], [[0, 0, 8, 8], Empty, Empty, Empty], 8, [[3, 0, 8]] },
        { Direction.Up, [[2, 0, 0, 0], [2, 0, 0, 0], [2, 0, 0, 0], [2, 0, 0, 0]], [[4, 0, 0, 0], [4, 0, 0, 0], Empty, Empty], 8, [[0, 0, 4], [0, 1, 4]] },
        { Direction.Up, [[0, 4, 0, 0], [0, 4, 0, 0], [0, 8, 0, 0], Empty], [[0, 8, 0, 0], [0, 8, 0, 0], Empty, Empty], 8, [[1, 0, 8]] },
        { Direction.Down, [[0, 0, 2, 0], [0, 0, 2, 0], [0, 0, 2, 0], [0, 0, 2, 0]], [Empty, Empty, [0, 0, 4, 0], [0, 0, 4, 0]], 8, [[2, 2, 4], [2, 3, 4]] },
        { Direction.Down, [[0, 0, 0, 2], [0, 0, 0, 2], [0, 0, 0, 2], Empty], [Empty, Empty, [0, 0, 0, 2], [0, 0, 0, 4]], 4, [[3, 3, 4]] },
        {
            Direction.Left,
            [[2, 2, 0, 0], [0, 4, 4, 0], [8, 0, 8, 0], [16, 16, 16, 16]],
            [[4, 0, 0, 0], [8, 0, 0, 0], [16, 0, 0, 0], [32, 32, 0, 0]],
            92,
            [[0, 0, 4], [0, 1, 8], [0, 2, 16], [0, 3, 32], [1, 3, 32]]
        },
    };

    [Theory]
    [MemberData(nameof(DirectionCases))]
    public void each_direction_slides_towards_its_side_and_reports_merges_at_their_destinations(
        Direction direction, int[][] before, int[][] after, int scoreGained, int[][] merged)
    {
        var (board, moved, mergeCount, score, merges) = Slide(before, direction);

        moved.ShouldBeTrue();
        board.ShouldBe(Of(after));
        score.ShouldBe(scoreGained);
        mergeCount.ShouldBe(merged.Length);
        merges.ShouldBe(merged.Select(m => new Tile(m[0], m[1], m[2])), ignoreOrder: true);
    }

    [Fact]
    public void sliding_without_room_for_merges_gives_the_same_board_and_score()
    {
        int[][] rows = [[2, 2, 0, 0], [0, 4, 4, 0], [8, 0, 8, 0], [16, 16, 16, 16]];
        var withMerges = Slide(rows, Direction.Left);
        var board = Of(rows);

        Rules.Slide(ref board, Direction.Left, [], out var mergeCount, out var score).ShouldBeTrue();

        board.ShouldBe(withMerges.Board);
        score.ShouldBe(withMerges.Score);
        mergeCount.ShouldBe(withMerges.MergeCount);
    }

    public static TheoryData<Direction, int[][]> BlockedCases => new()
    {
        { Direction.Up, [[2, 4, 2, 4], [4, 2, 4, 2], Empty, Empty] },
        { Direction.Down, [Empty, Empty, [2, 4, 2, 4], [4, 2, 4, 2]] },
        { Direction.Left, [[2, 4, 0, 0], [8, 0, 0, 0], Empty, [16, 2, 4, 0]] },
        { Direction.Right, [[0, 0, 2, 4], [0, 0, 0, 8], Empty, [0, 16, 2, 4]] },
        { Direction.Up, [[2, 4, 2, 4], [4, 2, 4, 2], [2, 4, 2, 4], [4, 2, 4, 2]] },
        { Direction.Right, [[2, 4, 2, 4], [4, 2, 4, 2], [2, 4, 2, 4], [4, 2, 4, 2]] },
        { Direction.Down, [[2, 4, 2, 4], [4, 2, 4, 2], [2, 4, 2, 4], [4, 2, 4, 2]] },
        { Direction.Left, [[2, 4, 2, 4], [4, 2, 4, 2], [2, 4, 2, 4], [4, 2, 4, 2]] },
        { Direction.Left, [Empty, Empty, Empty, Empty] },
    };

    [Theory]
    [MemberData(nameof(BlockedCases))]
    public void a_blocked_move_returns_false_and_leaves_the_board_unchanged(Direction direction, int[][] rows)
    {
        var (board, moved, mergeCount, score, _) = Slide(rows, direction);

        moved.ShouldBeFalse();
        board.ShouldBe(Of(rows));
        mergeCount.ShouldBe(0);
        score.ShouldBe(0);
    }

    [Fact]
    public void a_move_that_moves_nothing_changes_nothing_and_draws_nothing()
    {
        var before = new GameState(Of([[2, 4, 0, 0], [8, 0, 0, 0], Empty, Empty]), new Mulberry32(99), 40, 7);
        var state = before;

        Engine.TryMove(ref state, Direction.Left, new Tile[Rules.MaxMergesPerMove], out var outcome).ShouldBeFalse();

        state.ShouldBe(before);
        state.Rng.State.ShouldBe(99u);
        outcome.ShouldBe(default);
    }

    // ---- spawning ---------------------------------------------------------------------------------------------

    // Draws (node tests/Unit/reference/mulberry32.js): seed 1 -> 0.627 (a 2), 0.0027 (the first empty cell);
    // seed 12345 -> 0.980 (a 4), 0.307; seed 4294967295 -> 0.896 (a 2), 0.189;
    // seed 3663131627 (= seed 1 after two draws) -> 0.527 (a 2), 0.981 (the last empty cell).
    public static TheoryData<int[][], uint, int, int, int> SpawnCases => new()
    {
        { [Empty, Empty, Empty, Empty], 1u, 0, 0, 2 },
        { [[2, 0, 2, 2], [2, 2, 2, 2], [2, 2, 2, 0], [2, 2, 2, 2]], 1u, 1, 0, 2 },
        { [[2, 0, 2, 2], [2, 2, 2, 2], [2, 2, 2, 0], [2, 2, 2, 2]], 12345u, 1, 0, 4 },
        // Empty cells column by column: (0,1) (1,3) (2,0) (3,2); floor(0.307 * 4) = 1 picks (1,3). Row by row it would be (0,1).
        { [[2, 2, 0, 2], [0, 2, 2, 2], [2, 2, 2, 0], [2, 0, 2, 2]], 12345u, 1, 3, 4 },
        { [Empty, [2, 2, 2, 2], [2, 2, 2, 2], [2, 2, 2, 2]], 4294967295u, 0, 0, 2 },
        // Empty cells column by column: (0,0) (0,1) (0,2) (0,3) (3,0); floor(0.981 * 5) = 4 picks (3,0). Row by row it would be (0,3).
        { [[0, 2, 2, 0], [0, 2, 2, 2], [0, 2, 2, 2], [0, 2, 2, 2]], 3663131627u, 3, 0, 2 },
    };

    [Theory]
    [MemberData(nameof(SpawnCases))]
    public void a_spawn_draws_the_value_then_picks_among_empty_cells_listed_column_by_column(
        int[][] rows, uint seed, int x, int y, int value)
    {
        var board = Of(rows);
        var rng = GameRandom.Open(seed);

        Rules.TrySpawn(ref board, ref rng, out var spawned).ShouldBeTrue();

        spawned.ShouldBe(new Tile(x, y, value));
        board[x, y].ShouldBe(value);
        board.EmptyCount.ShouldBe(Of(rows).EmptyCount - 1);
        rng.State.ShouldBe(new Mulberry32(seed).Advance(Rules.DrawsPerSpawn).State);
    }

    [Theory]
    // Seeds whose first draw lies just around 0.9 (found and checked with hand-cases.js).
    [InlineData(659688u, 0.8999998036306351, 2)]
    [InlineData(192412u, 0.9000009009614587, 4)]
    public void a_spawn_is_a_two_below_point_nine_and_a_four_from_it(uint seed, double firstDraw, int value)
    {
        new Mulberry32(seed).NextDouble().ShouldBe(firstDraw);
        var board = default(Board);
        var rng = GameRandom.Open(seed);

        Rules.TrySpawn(ref board, ref rng, out var spawned).ShouldBeTrue();

        spawned.Value.ShouldBe(value);
    }

    [Fact]
    public void a_full_board_spawns_nothing_and_draws_nothing()
    {
        var board = Of([[2, 4, 2, 4], [4, 2, 4, 2], [2, 4, 2, 4], [4, 2, 4, 2]]);
        var before = board;
        var rng = GameRandom.Open(5);

        Rules.TrySpawn(ref board, ref rng, out var spawned).ShouldBeFalse();

        board.ShouldBe(before);
        rng.State.ShouldBe(5u);
        spawned.ShouldBe(default);
    }

    [Fact]
    public void a_new_game_spawns_two_tiles_from_the_seed()
    {
        // The reference game for seed 1 starts [[2,0,0,0],[0,0,0,0],[0,0,0,0],[0,0,0,2]] (reference/games.json).
        var state = Engine.Start(1, out var first, out var second);

        first.ShouldBe(new Tile(0, 0, 2));
        second.ShouldBe(new Tile(3, 3, 2));
        state.Board.ShouldBe(Of([[2, 0, 0, 0], Empty, Empty, [0, 0, 0, 2]]));
        state.Score.ShouldBe(0);
        state.MoveCount.ShouldBe(0);
        state.Rng.State.ShouldBe(new Mulberry32(1).Advance(2 * Rules.DrawsPerSpawn).State);
    }

    // ---- game over and winning --------------------------------------------------------------------------------

    [Fact]
    public void a_full_board_without_equal_neighbours_is_over()
    {
        var state = new GameState(Of([[2, 4, 2, 4], [4, 2, 4, 2], [2, 4, 2, 4], [4, 2, 4, 2]]), new Mulberry32(1), 0, 0);

        state.Board.HasMoves.ShouldBeFalse();
        state.Over.ShouldBeTrue();
    }

    [Theory]
    [InlineData(0, 0, 1, 0)] // a horizontal pair in the top row
    [InlineData(3, 2, 3, 3)] // a vertical pair in the right column
    [InlineData(1, 1, 1, 2)] // a vertical pair inside
    [InlineData(2, 3, 3, 3)] // a horizontal pair in the bottom row
    public void a_full_board_with_an_equal_neighbour_is_not_over(int x1, int y1, int x2, int y2)
    {
        // Distinct tiles everywhere, then one pair of neighbours made equal.
        var rows = new int[4][];
        for (var y = 0; y < 4; y++) rows[y] = [.. Enumerable.Range(0, 4).Select(x => 1 << (1 + y * 4 + x))];
        rows[y2][x2] = rows[y1][x1];
        var state = new GameState(Of(rows), new Mulberry32(1), 0, 0);

        state.Over.ShouldBeFalse();
    }

    [Fact]
    public void a_board_with_an_empty_cell_is_not_over()
    {
        new GameState(Of([[2, 4, 2, 4], [4, 2, 4, 2], [2, 4, 2, 4], [4, 2, 4, 0]]), default, 0, 0).Over.ShouldBeFalse();
    }

    private static readonly int[][] PreLock = [[2, 4, 2, 4], [4, 2, 4, 2], [2, 4, 2, 4], [0, 4, 2, 4]];

    [Fact]
    public void a_move_whose_spawn_fills_the_board_without_equal_neighbours_ends_the_game()
    {
        var state = new GameState(Of(PreLock), new Mulberry32(1), 100, 10);

        Engine.TryMove(ref state, Direction.Left, new Tile[Rules.MaxMergesPerMove], out var outcome).ShouldBeTrue();

        outcome.Spawned.ShouldBe(new Tile(3, 3, 2));
        state.Board.ShouldBe(Of([[2, 4, 2, 4], [4, 2, 4, 2], [2, 4, 2, 4], [4, 2, 4, 2]]));
        state.Over.ShouldBeTrue();
        state.Score.ShouldBe(100);
        state.MoveCount.ShouldBe(11);
    }

    [Fact]
    public void a_move_whose_spawn_fills_the_board_next_to_an_equal_tile_does_not_end_the_game()
    {
        var state = new GameState(Of(PreLock), new Mulberry32(12345), 0, 0);

        Engine.TryMove(ref state, Direction.Left, new Tile[Rules.MaxMergesPerMove], out var outcome).ShouldBeTrue();

        outcome.Spawned.ShouldBe(new Tile(3, 3, 4));
        state.Board.EmptyCount.ShouldBe(0);
        state.Over.ShouldBeFalse();
    }

    [Fact]
    public void making_2048_wins_and_play_goes_on()
    {
        var state = new GameState(Of([[1024, 1024, 0, 0], Empty, Empty, Empty]), new Mulberry32(1), 0, 0);
        state.Won.ShouldBeFalse();

        Engine.TryMove(ref state, Direction.Left, new Tile[Rules.MaxMergesPerMove], out var outcome).ShouldBeTrue();

        outcome.ScoreGained.ShouldBe(2048);
        state.Board.ShouldBe(Of([[2048, 0, 0, 0], [2, 0, 0, 0], Empty, Empty]));
        state.Score.ShouldBe(2048);
        state.Won.ShouldBeTrue();
        state.Over.ShouldBeFalse();

        Engine.TryMove(ref state, Direction.Right, new Tile[Rules.MaxMergesPerMove], out _).ShouldBeTrue();

        state.MoveCount.ShouldBe(2);
        state.Board[3, 0].ShouldBe(2048);
        state.Won.ShouldBeTrue();
    }

    [Fact]
    public void a_board_below_2048_has_not_won()
    {
        new GameState(Of([[1024, 512, 0, 0], Empty, Empty, Empty]), default, 0, 0).Won.ShouldBeFalse();
    }

    // ---- the board ----------------------------------------------------------------------------------------------

    [Fact]
    public void board_rows_are_indexed_y_then_x()
    {
        var board = Of([[0, 2, 0, 0], Empty, [0, 0, 0, 8], Empty]);

        board[1, 0].ShouldBe(2);
        board[3, 2].ShouldBe(8);
        board.ToRows().ShouldBe([[0, 2, 0, 0], Empty, [0, 0, 0, 8], Empty]);
    }

    [Fact]
    public void board_json_is_rows_top_to_bottom()
    {
        var board = Of([[0, 2, 0, 0], Empty, [0, 0, 0, 8], [4, 0, 0, 0]]);

        var json = System.Text.Json.JsonSerializer.Serialize(board);

        json.ShouldBe("[[0,2,0,0],[0,0,0,0],[0,0,0,8],[4,0,0,0]]");
        System.Text.Json.JsonSerializer.Deserialize<Board>(json).ShouldBe(board);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(-2)]
    public void a_board_refuses_a_tile_that_is_not_a_power_of_two_from_2(int value)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Of([[value, 0, 0, 0], Empty, Empty, Empty]));
    }
}
