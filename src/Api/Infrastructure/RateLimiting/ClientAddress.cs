using System.Net;
using System.Net.Sockets;

namespace EventApi.Api.Infrastructure.RateLimiting;

/// <summary>Who a per-client limit counts: the address the connection comes from (forwarded headers are not read).</summary>
public static class ClientAddress
{
    /// <summary>The partition of <paramref name="address"/>: an IPv4 address (also when it comes IPv4-mapped over an
    /// IPv6 socket) is its own; an IPv6 address counts with its /64, which one client usually holds whole; an unknown
    /// address (no IP connection) counts with every other unknown one.</summary>
    public static IPAddress PartitionOf(IPAddress? address)
    {
        if (address is null) return IPAddress.IPv6None;
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address;

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }
}
