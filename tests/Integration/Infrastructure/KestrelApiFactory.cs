using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EventApi.Integration.Infrastructure;

/// <summary>
/// The API on real Kestrel, on a loopback port of its own, for clients that need a real server: streaming HTTP
/// clients (live streams) and a browser.
/// </summary>
public abstract class KestrelApiFactory : ApiFactory
{
    /// <summary>Kestrel listens on a free loopback port, which <see cref="Address"/> gives: WebApplicationFactory's
    /// own port setting is not applied to a minimal-hosting app, which would otherwise take ASP.NET's default, 5000,
    /// and fail to start whenever something else on the machine has it.</summary>
    protected KestrelApiFactory(Action<KestrelServerOptions>? kestrel = null) => UseKestrel(options =>
    {
        options.Listen(IPAddress.Loopback, 0);
        kestrel?.Invoke(options);
    });

    private Uri? _address;

    /// <summary>Where Kestrel listens.</summary>
    public Uri Address
    {
        get
        {
            if (_address is null)
            {
                using var client = CreateClient();
                _address = client.BaseAddress!;
            }

            return _address;
        }
    }
}
