using EventApi.Domain.Game;

namespace EventApi.Unit;

public class Mulberry32Tests
{
    // The expected draws were computed independently with Node: `node tests/Unit/reference/mulberry32.js`.
    // JavaScript prints the shortest string that round-trips to the same double, so these literals are exact.
    public static TheoryData<uint, double[], uint> FirstDraws => new()
    {
        {
            0u,
            [0.26642920868471265, 0.0003297457005828619, 0.2232720274478197, 0.1462021479383111, 0.46732782293111086],
            567894473u
        },
        {
            1u,
            [0.6270739405881613, 0.002735721180215478, 0.5274470399599522, 0.9810509674716741, 0.9683778982143849],
            567894474u
        },
        {
            12345u,
            [0.9797282677609473, 0.3067522644996643, 0.484205421525985, 0.817934412509203, 0.5094283693470061],
            567906818u
        },
        {
            4294967295u,
            [0.8964226141106337, 0.189478256739676, 0.7156526781618595, 0.9440599093213677, 0.8452364315744489],
            567894472u
        },
    };

    [Theory]
    [MemberData(nameof(FirstDraws))]
    public void first_five_draws_match_the_javascript_reference(uint seed, double[] expected, uint stateAfterFive)
    {
        var rng = new Mulberry32(seed);
        var draws = new double[expected.Length];
        for (var i = 0; i < draws.Length; i++) draws[i] = rng.NextDouble();

        draws.ShouldBe(expected);
        rng.State.ShouldBe(stateAfterFive);
    }

    [Fact]
    public void state_starts_as_the_seed()
    {
        new Mulberry32(12345).State.ShouldBe(12345u);
    }

    [Fact]
    public void state_wraps_around_two_to_the_32()
    {
        var rng = new Mulberry32(uint.MaxValue);
        rng.NextDouble();
        rng.State.ShouldBe(Mulberry32.Increment - 1);
    }

    [Theory]
    [InlineData(0u, 0u)]
    [InlineData(1u, 1u)]
    [InlineData(12345u, 2u)]
    [InlineData(uint.MaxValue, 7u)]
    [InlineData(42u, 1000u)]
    public void advance_positions_the_generator_where_drawing_would(uint seed, uint draws)
    {
        var drawn = new Mulberry32(seed);
        for (var i = 0u; i < draws; i++) drawn.NextDouble();

        var advanced = new Mulberry32(seed).Advance(draws);

        advanced.State.ShouldBe(drawn.State);
        advanced.NextDouble().ShouldBe(drawn.NextDouble());
    }

    [Fact]
    public void advance_does_not_change_the_generator_it_is_called_on()
    {
        var rng = new Mulberry32(7);
        _ = rng.Advance(3);
        rng.State.ShouldBe(7u);
    }

    [Fact]
    public void draws_lie_in_the_unit_interval()
    {
        var rng = new Mulberry32(2024);
        for (var i = 0; i < 10_000; i++)
        {
            var d = rng.NextDouble();
            d.ShouldBeGreaterThanOrEqualTo(0.0);
            d.ShouldBeLessThan(1.0);
        }
    }
}
