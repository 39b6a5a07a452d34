using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace EventApi.Api.Features.SideEffects;

/// <summary>
/// Where webhooks may go. By default, nowhere inside a network: an address that is loopback, "this network"
/// (0.0.0.0/8, the unspecified address included), private (RFC 1918), shared (100.64.0.0/10, carrier-grade NAT),
/// link-local (169.254.0.0/16, cloud metadata among it; fe80::/10), unique-local (fc00::/7), site-local (fec0::/10),
/// multicast, reserved (240.0.0.0/4, broadcast included), or set aside for documentation and benchmarks, is refused;
/// so is an IPv6 address that embeds such an IPv4 address (IPv4-mapped <c>::ffff:a.b.c.d</c>, IPv4-compatible
/// <c>::a.b.c.d</c>, NAT64 <c>64:ff9b::a.b.c.d</c>). <c>EventApi:Webhooks:AllowedNetworks</c> lets chosen networks in
/// anyway (a local receiver in development and tests).
/// </summary>
/// <remarks>
/// The rule that counts is the one on the address actually connected to: <see cref="ConnectAsync"/> is the webhook
/// client's connect callback, so a host name is resolved here, every address it resolves to is filtered, and a socket
/// connects only to an allowed one (a name that resolves to an internal address, at once or after a DNS rebinding,
/// reaches nothing). <see cref="Admits"/> applies the same rule to a URL's text, for <c>POST /sessions</c>: an
/// address in any spelling <see cref="Uri"/> reads, and the names that always mean this machine (<c>localhost</c>,
/// <c>*.localhost</c>).
/// </remarks>
public sealed class WebhookDestinations
{
    private static readonly IPNetwork[] InternalIPv4 =
    [
        IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"),
        IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"),
        IPNetwork.Parse("198.51.100.0/24"),
        IPNetwork.Parse("203.0.113.0/24"),
        IPNetwork.Parse("224.0.0.0/4"),
        IPNetwork.Parse("240.0.0.0/4"),
    ];

    private static readonly IPNetwork[] InternalIPv6 =
    [
        IPNetwork.Parse("::/128"),
        IPNetwork.Parse("::1/128"),
        IPNetwork.Parse("64:ff9b:1::/48"),
        IPNetwork.Parse("100::/64"),
        IPNetwork.Parse("2001:db8::/32"),
        IPNetwork.Parse("fc00::/7"),
        IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("fec0::/10"),
        IPNetwork.Parse("ff00::/8"),
    ];

    /// <summary>IPv4-compatible (<c>::a.b.c.d</c>) and NAT64 (<c>64:ff9b::a.b.c.d</c>): an IPv4 address in the last 32 bits.</summary>
    private static readonly IPNetwork[] EmbeddingIPv4 = [IPNetwork.Parse("::/96"), IPNetwork.Parse("64:ff9b::/96")];

    private readonly IPNetwork[] _allowed;

    public WebhookDestinations(IOptions<WebhookOptions> options) =>
        _allowed = options.Value.AllowedNetworks.Select(n => IPNetwork.Parse(n)).ToArray();

    /// <summary>Whether an address is refused unless allowed: any of the internal ranges above, or an IPv6 address that
    /// embeds an internal IPv4 address.</summary>
    public static bool IsInternal(IPAddress address)
    {
        var effective = Embedded(address);
        var ranges = effective.AddressFamily == AddressFamily.InterNetwork ? InternalIPv4 : InternalIPv6;
        foreach (var range in ranges)
        {
            if (range.Contains(effective)) return true;
        }

        return false;
    }

    /// <summary>Whether a webhook may connect to the address: it is not internal, or an allowed network holds it (as it
    /// is or as the IPv4 address it embeds).</summary>
    public bool Allows(IPAddress address)
    {
        if (!IsInternal(address)) return true;
        var effective = Embedded(address);
        foreach (var network in _allowed)
        {
            if (network.Contains(address) || network.Contains(effective)) return true;
        }

        return false;
    }

    /// <summary>
    /// Whether a callback URL may be accepted, as far as its text tells: a host that is an address (in any spelling
    /// <see cref="Uri"/> reads: <c>2130706433</c>, <c>0x7f000001</c>, <c>127.1</c>, <c>[::ffff:127.0.0.1]</c>, a
    /// trailing dot) must be <see cref="Allows">allowed</see>, and <c>localhost</c> or <c>*.localhost</c> must have a
    /// loopback address allowed. Any other name is checked on what it resolves to, when a webhook connects.
    /// </summary>
    public bool Admits(Uri url)
    {
        var host = url.HostNameType == UriHostNameType.IPv6 ? url.Host : url.IdnHost.TrimEnd('.');
        if (IPAddress.TryParse(host, out var address)) return Allows(address);
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            return Allows(IPAddress.Loopback) || Allows(IPAddress.IPv6Loopback);
        return true;
    }

    /// <summary>
    /// The webhook client's <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves the host, keeps the addresses
    /// this policy allows, and connects to the first of them that answers. Throws
    /// <see cref="WebhookDestinationRefusedException"/>, before any connection, when none is allowed.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await Dns.GetHostAddressesAsync(host, ct);
        var allowed = Array.FindAll(addresses, Allows);
        if (allowed.Length == 0) throw new WebhookDestinationRefusedException(host, addresses);

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The IPv4 address an IPv6 address stands for (IPv4-mapped, IPv4-compatible or NAT64), or the address.</summary>
    private static IPAddress Embedded(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address;
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        foreach (var prefix in EmbeddingIPv4)
        {
            if (!prefix.Contains(address)) continue;
            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out _);
            return new IPAddress(bytes[12..]);
        }

        return address;
    }
}

/// <summary>
/// A webhook's host resolves to no address it may be sent to (see <see cref="WebhookDestinations"/>). Permanent: the
/// side effect is dead-lettered at once, with the same reason whatever the port, so nobody learns from it what listens
/// inside the network.
/// </summary>
public sealed class WebhookDestinationRefusedException(string host, IReadOnlyList<IPAddress> addresses)
    : Exception($"The destination '{host}' is not allowed: it resolves to {string.Join(", ", addresses)}, none of them an address webhooks may be sent to.")
{
    public string Host { get; } = host;

    public IReadOnlyList<IPAddress> Addresses { get; } = addresses;
}

/// <summary>Checks <c>EventApi:Webhooks:AllowedNetworks</c> at start-up: every entry a CIDR network.</summary>
public sealed class AllowedNetworksValidation : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var invalid = options.AllowedNetworks.Where(n => !IPNetwork.TryParse(n, out _)).Select(n => $"'{n}'").ToArray();
        return invalid.Length == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{WebhookOptions.Section}:AllowedNetworks must list CIDR networks such as 127.0.0.0/8 or ::1/128; " +
                                         $"these are not: {string.Join(", ", invalid)}.");
    }
}
