using System.Security.Cryptography;
using System.Text.Json;
using EventApi.Domain.Game;

namespace EventApi.Unit;

/// <summary>The two generators a game can draw from: Mulberry32 on a public seed, HMAC-SHA256 on a sealed secret.</summary>
public sealed class GameRandomTests
{
    private static readonly byte[] Secret = [.. Enumerable.Range(1, GameRandom.SecretBytes).Select(i => (byte)i)];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Theory]
    // Independent of this code, with the key 0x01..0x20:
    // python3 -c "import hmac,hashlib,struct; print(struct.unpack('>I', hmac.new(bytes(range(1,33)), struct.pack('>Q', 0), hashlib.sha256).digest()[:4])[0] / 2**32)"
    // and the same with Node's crypto.createHmac (docs/security.md).
    [InlineData(0ul, 0.7609392011072487)]
    [InlineData(1ul, 0.3087251347023994)]
    [InlineData(2ul, 0.3348884272854775)]
    [InlineData(3ul, 0.7114129855763167)]
    [InlineData(1000ul, 0.21184364659711719)]
    [InlineData(4294967301ul, 0.7970815657172352)]
    public void a_keyed_draw_is_the_first_four_bytes_of_hmac_sha256_of_its_index_over_two_to_the_32(ulong index, double expected)
    {
        GameRandom.KeyedDraw(Secret, index).ShouldBe(expected);
    }

    [Fact]
    public void a_sealed_generator_draws_its_keyed_draws_in_order_from_the_first()
    {
        var rng = GameRandom.Sealed(Secret);

        var draws = Enumerable.Range(0, 4).Select(_ => rng.NextDouble()).ToArray();

        draws.ShouldBe([0.7609392011072487, 0.3087251347023994, 0.3348884272854775, 0.7114129855763167]);
        rng.State.ShouldBe(4u);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(12345u)]
    [InlineData(uint.MaxValue)]
    public void an_open_generator_draws_exactly_as_mulberry32(uint seed)
    {
        var open = GameRandom.Open(seed);
        var mulberry = new Mulberry32(seed);

        for (var i = 0; i < 100; i++) open.NextDouble().ShouldBe(mulberry.NextDouble());
        open.State.ShouldBe(mulberry.State);
    }

    [Fact]
    public void advancing_either_generator_positions_it_where_drawing_would()
    {
        foreach (var start in new[] { GameRandom.Open(99), GameRandom.Sealed(Secret) })
        {
            var drawn = start;
            for (var i = 0; i < 7; i++) drawn.NextDouble();

            var advanced = start.Advance(7);

            advanced.ShouldBe(drawn);
            advanced.NextDouble().ShouldBe(drawn.NextDouble());
        }
    }

    [Fact]
    public void the_same_position_under_other_secrets_continues_differently()
    {
        // What a spectator sees fixes the board and how many draws were made, not the secret: for any other secret the
        // continuation differs, so the observed prefix does not determine it.
        var actual = GameRandom.Sealed(Secret).Advance(40);
        var continuation = Draws(actual, 16);

        for (var i = 0; i < 100; i++)
        {
            var other = GameRandom.Sealed(RandomNumberGenerator.GetBytes(GameRandom.SecretBytes)).Advance(40);
            Draws(other, 16).ShouldNotBe(continuation);
        }
    }

    [Fact]
    public void a_sealed_generator_survives_json_with_its_key_and_position()
    {
        var rng = GameRandom.Sealed(Secret).Advance(5);

        var copy = JsonSerializer.Deserialize<GameRandom>(JsonSerializer.Serialize(rng, Json), Json);

        copy.ShouldBe(rng);
        copy.NextDouble().ShouldBe(rng.NextDouble());
    }

    [Fact]
    public void a_generator_stored_before_sealed_secrets_reads_as_mulberry32()
    {
        // The inline view stored Mulberry32 as {"state": n}.
        var copy = JsonSerializer.Deserialize<GameRandom>("""{"state":12345}""", Json);

        copy.IsKeyed.ShouldBeFalse();
        copy.ShouldBe(GameRandom.Open(12345));
    }

    [Fact]
    public void a_secret_of_the_wrong_length_is_refused()
    {
        Should.Throw<ArgumentException>(() => GameRandom.Sealed(new byte[16]));
    }

    [Fact]
    public void the_generator_never_prints_its_key()
    {
        GameRandom.Sealed(Secret).ToString().ShouldNotContain(Convert.ToHexStringLower(Secret));
        GameRandom.Sealed(Secret).ToString().ShouldNotContain(Convert.ToBase64String(Secret));
    }

    private static double[] Draws(GameRandom rng, int count)
    {
        var draws = new double[count];
        for (var i = 0; i < count; i++) draws[i] = rng.NextDouble();
        return draws;
    }
}
