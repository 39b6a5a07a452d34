using System.Security.Cryptography;
using EventApi.Testing;

namespace EventApi.Bench.Harness;

/// <summary>
/// The API as production runs it: the Release build (<c>src/Api/bin/Release</c>, which scripts/bench.sh builds) in a
/// process of its own (<see cref="ApiRunner"/>), on a free loopback port, configured by environment variables, so the
/// bench's own CPU and allocations are not the API's.
/// </summary>
public sealed class ApiHost : IAsyncDisposable
{
    private readonly ApiRunner _runner;

    private ApiHost(ApiRunner runner, string adminKey)
    {
        _runner = runner;
        AdminKey = adminKey;
    }

    public Uri Address => _runner.Address;

    /// <summary>The API process's id (its CPU time is in <c>/proc/&lt;id&gt;/stat</c>).</summary>
    public int ProcessId => _runner.ProcessId;

    /// <summary>The <c>X-Admin-Key</c> this process was started with.</summary>
    public string AdminKey { get; }

    /// <summary>What the process wrote (warnings and errors only: the bench starts it with log level Warning).</summary>
    public string Output => _runner.Output;

    /// <summary>
    /// Starts the API on <paramref name="connectionString"/> with fresh secrets and waits until it answers
    /// <c>/health/live</c>. <paramref name="settings"/> adds or overrides configuration by key
    /// (<c>EventApi:SideEffects:RetryBaseDelay</c>, ...). <paramref name="assembly"/> runs another build of the API.
    /// </summary>
    public static async Task<ApiHost> StartAsync(string connectionString, IReadOnlyDictionary<string, string>? settings = null,
        TimeSpan? timeout = null, string? assembly = null)
    {
        // Another build of the API (an earlier commit's EventApi.Api.dll, say) when given; this one's Release build otherwise.
        assembly ??= ApiRunner.AssemblyPath("Release");
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException("The API's Release build is missing: dotnet build src/Api -c Release.", assembly);
        }

        var adminKey = Secret();
        var configuration = new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            ["EventApi:Challenges:Secret"] = Secret(),
            ["EventApi:Webhooks:SigningKey"] = Secret(),
            ["EventApi:AdminKey"] = adminKey,
            // The webhook sink listens on loopback, which the API refuses as a webhook destination unless allowed.
            ["EventApi:Webhooks:AllowedNetworks:0"] = "127.0.0.0/8",
            // A log line per request would measure the console, not the API.
            ["Logging:LogLevel:Default"] = "Warning",
            // The load comes from one address: the per-client limits stay on (their cost is measured) but out of reach.
            ["EventApi:RateLimits:SessionStarts:PermitLimit"] = "1000000",
            ["EventApi:RateLimits:Claims:PermitLimit"] = "1000000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) configuration[key] = value;

        var host = new ApiHost(new ApiRunner(assembly, ApiRunner.FreePort(), "Production", configuration), configuration["EventApi:AdminKey"]);
        try
        {
            await host._runner.StartAsync(timeout ?? TimeSpan.FromSeconds(60));
            return host;
        }
        catch (TimeoutException)
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client for the load: no connection limit of its own, keep-alive, one per worker or shared.</summary>
    public HttpClient CreateClient(TimeSpan? timeout = null)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
        };
        return new HttpClient(handler) { BaseAddress = Address, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
    }

    /// <summary>SIGKILL: no shutdown, nothing recorded.</summary>
    public Task KillAsync() => _runner.KillAsync();

    /// <summary>SIGTERM: a graceful shutdown (SIGKILL if it has not exited after <paramref name="grace"/>).</summary>
    public Task StopAsync(TimeSpan grace) => _runner.StopAsync(grace);

    /// <summary>
    /// The secrets every node of one cluster must share (the daily challenge's, the webhooks' signing key, the admin
    /// key), made once: pass them as settings to each <see cref="StartAsync"/>.
    /// </summary>
    public static Dictionary<string, string> ClusterSecrets() => new()
    {
        ["EventApi:Challenges:Secret"] = Secret(),
        ["EventApi:Webhooks:SigningKey"] = Secret(),
        ["EventApi:AdminKey"] = Secret(),
    };

    /// <summary>Stops the process (SIGTERM, then SIGKILL after 10 s) and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _runner.StopAsync(TimeSpan.FromSeconds(10));
        await _runner.DisposeAsync();
    }

    private static string Secret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
