using EventApi.Integration.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EventApi.Integration.Browser;

/// <summary>
/// The API on real Kestrel, serving the web client from <c>src/Api/wwwroot</c> (the test host's content root is the
/// API's project folder) to a real browser. Browsers reconnect to a dropped live stream after half a second, and the
/// test can drop every live stream the way a network does (<see cref="LiveConnections"/>).
/// </summary>
public sealed class BrowserApiFactory : KestrelApiFactory
{
    public LiveConnections LiveConnections { get; } = new();

    protected override IDictionary<string, string?> Settings(IDictionary<string, string?> defaults)
    {
        defaults["EventApi:Live:ReconnectDelay"] = "00:00:00.500";
        return defaults;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new LiveConnectionsFilter(LiveConnections)));
    }

    private sealed class LiveConnectionsFilter(LiveConnections connections) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, following) =>
            {
                if (!context.Request.Path.Value!.EndsWith("/live", StringComparison.Ordinal))
                {
                    await following(context);
                    return;
                }

                using (connections.Track(context)) await following(context);
            });
            next(app);
        };
    }
}

/// <summary>The live streams the API is serving, and the <c>Last-Event-ID</c> of every request that opened one.</summary>
public sealed class LiveConnections
{
    private readonly Lock _lock = new();
    private readonly HashSet<HttpContext> _open = [];
    private readonly List<(string Path, string? LastEventId)> _requests = [];

    /// <summary>The <c>Last-Event-ID</c> header of each request for the session's live stream so far, in order (null
    /// when it had none: a first connection).</summary>
    public IReadOnlyList<string?> LastEventIds(Guid session)
    {
        lock (_lock) return [.. _requests.Where(r => r.Path == $"/sessions/{session}/live").Select(r => r.LastEventId)];
    }

    public IDisposable Track(HttpContext context)
    {
        lock (_lock)
        {
            _open.Add(context);
            _requests.Add((context.Request.Path.Value!, context.Request.Headers["Last-Event-ID"].FirstOrDefault()));
        }

        return new Untrack(this, context);
    }

    /// <summary>Cuts every open live stream's connection, as a network that drops it would.</summary>
    public void DropAll()
    {
        lock (_lock)
        {
            foreach (var context in _open) context.Abort();
        }
    }

    private sealed class Untrack(LiveConnections connections, HttpContext context) : IDisposable
    {
        public void Dispose()
        {
            lock (connections._lock) connections._open.Remove(context);
        }
    }
}

/// <summary>The browser tests: one API host and one Chromium for all of them; each test opens contexts of its own.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserApiFactory>, ICollectionFixture<Chromium>
{
    public const string Name = "web client in chromium";
}
