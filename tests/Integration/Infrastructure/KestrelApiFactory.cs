using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EventApi.Integration.Infrastructure;

/// <summary>
/// The API on real Kestrel, on a loopback port of its own, for clients that need a real server: streaming HTTP
/// clients (live streams) and a browser.
/// </summary>
public abstract class KestrelApiFactory : ApiFactory
{
    protected KestrelApiFactory(Action<KestrelServerOptions>? kestrel = null) => UseKestrel(kestrel ?? (_ => { }));

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
