using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EventApi.Integration.Infrastructure;

/// <summary>
/// The API on real Kestrel, on a loopback port of its own, for clients that need a real server: streaming HTTP
/// clients (live streams) and a browser.
/// </summary>
public abstract class KestrelApiFactory : ApiFactory
{
    /// <summary>Kestrel listens on a free loopback port, which <see cref="Address"/> gives. <c>UseKestrel</c> with
    /// options but no port leaves the app on ASP.NET's default, 5000, where it fails to start whenever something else
    /// on the machine has it; the options' own listen on port 0 takes a free one.</summary>
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
