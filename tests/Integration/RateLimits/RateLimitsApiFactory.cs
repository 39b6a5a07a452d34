using System.Net;
using EventApi.Integration.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EventApi.Integration.RateLimits;

/// <summary>
/// A host with low limits and short windows. The in-memory server has no client address, so each request names the
/// one it comes from in <see cref="ClientAddressHeader"/>, and each test is a client of its own.
/// </summary>
public sealed class RateLimitsApiFactory : ApiFactory
{
    public const string ClientAddressHeader = "X-Test-Client-Address";
    public const int SessionStarts = 2;
    public const int Claims = 2;
    public const int FailedTokens = 2;

    protected override IDictionary<string, string?> Settings(IDictionary<string, string?> defaults)
    {
        // Each bucket gives a permit back every 5 s, and the failed tokens' window is 3 s: long enough that a test's
        // requests are all in one window on a slow machine, short enough to wait for the recovery.
        defaults["EventApi:RateLimits:SessionStarts:PermitLimit"] = $"{SessionStarts}";
        defaults["EventApi:RateLimits:SessionStarts:Window"] = "00:00:10";
        defaults["EventApi:RateLimits:Claims:PermitLimit"] = $"{Claims}";
        defaults["EventApi:RateLimits:Claims:Window"] = "00:00:10";
        defaults["EventApi:RateLimits:FailedTokens:PermitLimit"] = $"{FailedTokens}";
        defaults["EventApi:RateLimits:FailedTokens:Window"] = "00:00:03";
        defaults["EventApi:RateLimits:ClaimVerification:PermitLimit"] = "1";
        defaults["EventApi:RateLimits:ClaimVerification:QueueLimit"] = "1";
        return defaults;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, ClientAddressFromHeader>());
    }

    /// <summary>An HTTP client whose requests come from <paramref name="address"/>.</summary>
    public HttpClient ClientFrom(string address)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(ClientAddressHeader, address);
        return client;
    }

    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[ClientAddressHeader], out var address))
                    context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

[CollectionDefinition(Name)]
public sealed class RateLimitsCollection : ICollectionFixture<RateLimitsApiFactory>
{
    public const string Name = "api with low rate limits";
}
