using System.Text.Json;
using System.Text.Json.Serialization;
using EventApi.Domain.Game;
using EventApi.Projections.Timelines;

namespace EventApi.Unit;

/// <summary>A timeline segment keeps its moves as three characters each; what it reads back is what it was given.</summary>
public sealed class TimelineSegmentTests
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    [Fact]
    public void a_segment_reads_back_its_moves_with_the_versions_between_them_that_are_not_moves()
    {
        TimelineMove[] moves =
        [
            new(2, Direction.Left, new Tile(3, 0, 2)),
            new(3, Direction.Up, new Tile(0, 3, 4)),
            new(5, Direction.Right, new Tile(1, 2, 2)),
            new(6, Direction.Down, new Tile(2, 1, 2)),
            new(9, Direction.Left, new Tile(3, 3, 4)),
        ];

        var segment = SessionTimelineSegment.For(Guid.Empty, default, 0, moves);
        var stored = JsonSerializer.Deserialize<SessionTimelineSegment>(JsonSerializer.Serialize(segment, Options), Options)!;

        stored.Id.ShouldBe($"{Guid.Empty}:2");
        stored.Played.ShouldBe("l32" + "uc4" + "r92" + "d62" + "lf4");
        stored.Skipped.ShouldBe([4, 7, 8]);
        stored.MovesPlayed().ShouldBe(moves);
    }

    [Fact]
    public void a_segment_of_consecutive_moves_stores_no_skipped_versions()
    {
        var segment = SessionTimelineSegment.For(Guid.Empty, default, 0,
            [new TimelineMove(7, Direction.Up, new Tile(0, 0, 2)), new TimelineMove(8, Direction.Up, new Tile(1, 0, 2))]);

        segment.Skipped.ShouldBeNull();
        JsonSerializer.Serialize(segment, Options).ShouldNotContain("skipped");
    }

    [Theory]
    [InlineData(4, 0, 2)]
    [InlineData(0, 0, 8)]
    public void a_spawn_that_is_not_a_two_or_a_four_on_the_board_is_refused(int x, int y, int value) =>
        Should.Throw<ArgumentOutOfRangeException>(() =>
            SessionTimelineSegment.For(Guid.Empty, default, 0, [new TimelineMove(2, Direction.Up, new Tile(x, y, value))]));

    [Theory]
    [InlineData("l3")]
    [InlineData("x32")]
    [InlineData("lg2")]
    [InlineData("l38")]
    public void a_stored_move_that_does_not_decode_is_an_error_not_a_frame(string played)
    {
        var segment = new SessionTimelineSegment("s:2", Guid.Empty) { From = 2, Played = played };

        Should.Throw<InvalidDataException>(() => segment.MovesPlayed().ToList());
    }
}
