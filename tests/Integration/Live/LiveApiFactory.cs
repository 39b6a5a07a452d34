using System.Net.Sockets;
using EventApi.Integration.Contract;
using EventApi.Integration.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace EventApi.Integration.Live;

/// <summary>
/// The API on real Kestrel, on a loopback port of its own: spectators are real HTTP streaming clients. Its sockets and
/// response buffers are small (a few KiB instead of the kernel's auto-tuned megabytes), so that a spectator that reads
/// nothing fills them after a few dozen frames and the API's own bound, not the kernel's, decides when it is dropped.
/// </summary>
public sealed class LiveApiFactory() : KestrelApiFactory(kestrel => kestrel.Limits.MaxResponseBufferSize = 4096)
{
    public const int SpectatorBacklog = 16;
    public const int MaxConnections = 8;
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);

    protected override IDictionary<string, string?> Settings(IDictionary<string, string?> defaults)
    {
        defaults["EventApi:Live:SpectatorBacklog"] = $"{SpectatorBacklog}";
        defaults["EventApi:Live:MaxConnections"] = $"{MaxConnections}";
        defaults["EventApi:Live:HeartbeatInterval"] = HeartbeatInterval.ToString();
        defaults["EventApi:Live:ReconnectDelay"] = "00:00:00.500";
        return defaults;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSockets(sockets => sockets.CreateBoundListenSocket = endpoint =>
        {
            var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
            // Accepted connections inherit it (Linux); a fixed size also turns the kernel's auto-tuning off.
            socket.SendBufferSize = 4096;
            return socket;
        });
    }

    /// <summary>Like every test client, checks every answer against the document; and like a browser closing an
    /// EventSource, it closes a stream's connection when the test lets go of it (instead of reading on to reuse it).</summary>
    public override HttpClient CreateContractClient() =>
        new(new ContractValidatingHandler(() => Contract) { InnerHandler = new SocketsHttpHandler { MaxResponseDrainSize = 0 } })
        {
            BaseAddress = Address,
        };

    /// <summary>An HTTP client whose connections take in at most a few KiB that the test has not read.</summary>
    public HttpClient CreateSmallWindowClient() =>
        new(new SocketsHttpHandler
        {
            MaxResponseDrainSize = 0,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 2048 };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        { BaseAddress = Address };
}

[CollectionDefinition(Name)]
public sealed class LiveCollection : ICollectionFixture<LiveApiFactory>
{
    public const string Name = "api on kestrel, for live streams";
}
