using System.Net;
using System.Net.Sockets;
using EventApi.Api.Features.SideEffects;
using Microsoft.Extensions.Options;

namespace EventApi.Unit;

public sealed class WebhookDestinationsTests
{
    private static readonly WebhookDestinations Default = Allowing();
    private static readonly WebhookDestinations Loopback = Allowing("127.0.0.0/8", "::1/128");

    private static WebhookDestinations Allowing(params string[] networks) =>
        new(Options.Create(new WebhookOptions { AllowedNetworks = [.. networks] }));

    [Theory]
    [InlineData("0.0.0.0")] // unspecified ("this network": Linux connects it to this machine)
    [InlineData("0.1.2.3")]
    [InlineData("10.0.0.1")] // private, RFC 1918
    [InlineData("10.255.255.255")]
    [InlineData("100.64.0.1")] // shared address space (carrier-grade NAT)
    [InlineData("100.127.255.254")]
    [InlineData("127.0.0.1")] // loopback
    [InlineData("127.255.255.254")]
    [InlineData("169.254.169.254")] // link-local: cloud metadata
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.0.0.8")] // IETF protocol assignments
    [InlineData("192.0.2.1")] // documentation
    [InlineData("192.168.1.1")]
    [InlineData("198.18.0.1")] // benchmarking
    [InlineData("198.51.100.7")]
    [InlineData("203.0.113.9")]
    [InlineData("224.0.0.1")] // multicast
    [InlineData("239.255.255.250")]
    [InlineData("240.0.0.1")] // reserved
    [InlineData("255.255.255.255")] // broadcast
    [InlineData("::")] // unspecified
    [InlineData("::1")] // loopback
    [InlineData("::ffff:127.0.0.1")] // IPv4-mapped
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:0.0.0.0")]
    [InlineData("::127.0.0.1")] // IPv4-compatible
    [InlineData("::192.168.1.1")]
    [InlineData("64:ff9b::a00:1")] // NAT64 of 10.0.0.1
    [InlineData("64:ff9b:1::1")] // local-use NAT64
    [InlineData("100::1")] // discard-only
    [InlineData("2001:db8::1")] // documentation
    [InlineData("fc00::1")] // unique-local
    [InlineData("fd00::1")]
    [InlineData("fe80::1")] // link-local
    [InlineData("fe80::1%4")]
    [InlineData("fec0::1")] // site-local
    [InlineData("ff02::1")] // multicast
    public void an_internal_address_is_refused_by_default(string address)
    {
        var ip = IPAddress.Parse(address);

        WebhookDestinations.IsInternal(ip).ShouldBeTrue();
        Default.Allows(ip).ShouldBeFalse();
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("9.255.255.255")]
    [InlineData("11.0.0.0")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("126.255.255.255")]
    [InlineData("128.0.0.0")]
    [InlineData("169.253.255.255")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("192.167.255.255")]
    [InlineData("192.169.0.0")]
    [InlineData("223.255.255.255")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")] // NAT64 of 8.8.8.8
    public void a_public_address_is_allowed(string address)
    {
        var ip = IPAddress.Parse(address);

        WebhookDestinations.IsInternal(ip).ShouldBeFalse();
        Default.Allows(ip).ShouldBeTrue();
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.1.2.3", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("10.0.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("8.8.8.8", true)]
    public void an_allowed_network_lets_in_its_addresses_and_only_them(string address, bool allowed)
    {
        Loopback.Allows(IPAddress.Parse(address)).ShouldBe(allowed);
    }

    [Fact]
    public void an_allowed_ipv4_network_admits_the_same_addresses_mapped_to_ipv6_and_a_private_network_can_be_allowed()
    {
        var destinations = Allowing("10.1.0.0/16", "fd00::/8");

        destinations.Allows(IPAddress.Parse("10.1.2.3")).ShouldBeTrue();
        destinations.Allows(IPAddress.Parse("::ffff:10.1.2.3")).ShouldBeTrue();
        destinations.Allows(IPAddress.Parse("fd12::1")).ShouldBeTrue();
        destinations.Allows(IPAddress.Parse("10.2.0.1")).ShouldBeFalse();
        destinations.Allows(IPAddress.Parse("127.0.0.1")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("http://127.0.0.1/hooks")]
    [InlineData("http://127.0.0.1:5432/")]
    [InlineData("http://2130706433/")]
    [InlineData("http://0x7f000001/")]
    [InlineData("http://017700000001/")]
    [InlineData("http://127.1/")]
    [InlineData("http://127.0.0.1./")]
    [InlineData("http://0/")]
    [InlineData("http://[::1]/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    [InlineData("http://[::ffff:7f00:1]/")]
    [InlineData("http://[0:0:0:0:0:ffff:7f00:1]/")]
    [InlineData("http://localhost/")]
    [InlineData("http://LOCALHOST.:8080/")]
    [InlineData("http://api.localhost/")]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.1/")]
    [InlineData("http://192.168.1.1/")]
    [InlineData("http://172.16.0.1/")]
    [InlineData("http://[fd00::1]/")]
    [InlineData("http://[fe80::1%25eth0]/")]
    public void a_url_naming_an_internal_address_in_any_spelling_is_not_admitted_by_default(string url)
    {
        Default.Admits(new Uri(url)).ShouldBeFalse();
    }

    [Theory]
    [InlineData("https://game.example.org/hooks/2048")]
    [InlineData("http://8.8.8.8/")]
    [InlineData("http://[2606:4700:4700::1111]/")]
    [InlineData("http://localhost.example.org/")]
    [InlineData("http://mylocalhost/")]
    // A name is checked on what it resolves to, when a webhook connects.
    [InlineData("http://internal.example/")]
    public void a_url_naming_a_public_address_or_a_host_name_is_admitted(string url)
    {
        Default.Admits(new Uri(url)).ShouldBeTrue();
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hooks")]
    [InlineData("http://2130706433/")]
    [InlineData("http://127.1/")]
    [InlineData("http://[::1]/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    [InlineData("http://localhost/")]
    [InlineData("http://api.localhost/")]
    public void a_url_naming_loopback_is_admitted_when_loopback_is_allowed(string url)
    {
        Loopback.Admits(new Uri(url)).ShouldBeTrue();
        Loopback.Admits(new Uri("http://169.254.169.254/")).ShouldBeFalse();
    }

    [Fact]
    public async Task the_connect_callback_refuses_a_name_that_resolves_to_loopback_before_connecting_and_connects_when_it_is_allowed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://localhost:{((IPEndPoint)listener.LocalEndpoint).Port}/hooks";

        using (var refused = Client(Default))
        {
            var e = await Should.ThrowAsync<HttpRequestException>(() => refused.PostAsync(url, null));
            var refusal = e.InnerException.ShouldBeOfType<WebhookDestinationRefusedException>();
            refusal.Host.ShouldBe("localhost");
            refusal.Addresses.ShouldContain(IPAddress.Loopback);
            listener.Pending().ShouldBeFalse();
        }

        using var allowed = Client(Loopback);
        using var stop = new CancellationTokenSource();
        var sending = allowed.PostAsync(url, null, stop.Token);
        using var accepted = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => sending);
    }

    [Fact]
    public void allowed_networks_are_validated_at_start_and_name_the_entries_that_are_not_networks()
    {
        var validation = new AllowedNetworksValidation();

        validation.Validate(null, new WebhookOptions { AllowedNetworks = ["127.0.0.0/8", "::1/128", "10.0.0.0/8"] }).Succeeded.ShouldBeTrue();
        validation.Validate(null, new WebhookOptions()).Succeeded.ShouldBeTrue();

        var failed = validation.Validate(null, new WebhookOptions { AllowedNetworks = ["127.0.0.0/8", "127.0.0.1", "localhost", "::1/129", "10.0.0.0/33"] });
        failed.Failed.ShouldBeTrue();
        failed.FailureMessage.ShouldBe("EventApi:Webhooks:AllowedNetworks must list CIDR networks such as 127.0.0.0/8 or ::1/128; " +
                                       "these are not: '127.0.0.1', 'localhost', '::1/129', '10.0.0.0/33'.");
    }

    private static HttpClient Client(WebhookDestinations destinations) =>
        new(new SocketsHttpHandler { ConnectCallback = destinations.ConnectAsync, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
}
