using System.Net;
using EventApi.Api.Infrastructure.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EventApi.Unit;

public sealed class RateLimitTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::")]
    [InlineData("2001:db8:1:2::ffff", "2001:db8:1:2::")]
    [InlineData("::1", "::")]
    public void a_client_counts_by_its_ipv4_address_or_its_ipv6_64(string address, string partition)
    {
        ClientAddress.PartitionOf(IPAddress.Parse(address)).ShouldBe(IPAddress.Parse(partition));
    }

    [Fact]
    public void clients_without_an_address_share_one_partition()
    {
        ClientAddress.PartitionOf(null).ShouldBe(ClientAddress.PartitionOf(null));
    }

    [Theory]
    [InlineData("SessionStarts:PermitLimit", "0")]
    [InlineData("Claims:PermitLimit", "1000001")]
    [InlineData("FailedTokens:Window", "00:00:00.500")]
    [InlineData("SessionStarts:Window", "2.00:00:00")]
    [InlineData("ClaimVerification:PermitLimit", "0")]
    [InlineData("ClaimVerification:QueueLimit", "-1")]
    public void a_limit_out_of_range_is_refused_at_start_up(string setting, string value)
    {
        var error = Should.Throw<OptionsValidationException>(() => Options(($"{RateLimitOptions.Section}:{setting}", value)));

        error.Message.ShouldContain(RateLimitOptions.Section);
    }

    [Fact]
    public void the_defaults_are_valid_and_documented_values()
    {
        var options = Options();

        (options.Enabled, options.SessionStarts.PermitLimit, options.SessionStarts.Window).ShouldBe((true, 60, TimeSpan.FromMinutes(1)));
        (options.Claims.PermitLimit, options.Claims.Window).ShouldBe((10, TimeSpan.FromMinutes(1)));
        (options.FailedTokens.PermitLimit, options.FailedTokens.Window).ShouldBe((10, TimeSpan.FromMinutes(1)));
        (options.ClaimVerification.PermitLimit, options.ClaimVerification.QueueLimit).ShouldBe((4, 8));
    }

    [Fact]
    public void a_session_is_refused_after_its_failed_token_attempts_and_not_before()
    {
        using var attempts = new FailedTokenAttempts(Microsoft.Extensions.Options.Options.Create(Options(
            ($"{RateLimitOptions.Section}:FailedTokens:PermitLimit", "3"))));
        var session = Guid.NewGuid();

        for (var i = 0; i < 3; i++)
        {
            attempts.Refusal(session).ShouldBeNull();
            attempts.Failed(session);
        }

        using var refused = attempts.Refusal(session);
        refused.ShouldNotBeNull().IsAcquired.ShouldBeFalse();
        attempts.Refusal(Guid.NewGuid()).ShouldBeNull();
    }

    [Fact]
    public void with_the_limits_off_no_session_is_refused()
    {
        using var attempts = new FailedTokenAttempts(Microsoft.Extensions.Options.Options.Create(Options(
            ($"{RateLimitOptions.Section}:Enabled", "false"))));
        var session = Guid.NewGuid();

        for (var i = 0; i < 100; i++) attempts.Failed(session);

        attempts.Refusal(session).ShouldBeNull();
    }

    private static RateLimitOptions Options(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        using var services = new ServiceCollection().AddLogging().AddEventApiRateLimiting(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<RateLimitOptions>>().Value;
    }
}
