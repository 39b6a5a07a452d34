using EventApi.Testing;

namespace EventApi.Integration.Infrastructure;

/// <summary>
/// The built API run as a child process (<see cref="ApiRunner"/>), as it runs in production: for the faults an
/// in-memory host cannot show, such as the process killed with SIGKILL in the middle of its work and started again.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly ApiRunner _runner;

    /// <param name="settings">Configuration, by its keys (<c>ConnectionStrings:Postgres</c>, <c>EventApi:...</c>).</param>
    public ApiProcess(IReadOnlyDictionary<string, string> settings)
    {
        _runner = new ApiRunner(AssemblyPath, ApiRunner.FreePort(), "Testing", settings);
        Client = new HttpClient { BaseAddress = _runner.Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port => _runner.Port;

    /// <summary>The settings every API process needs, on <paramref name="connectionString"/> (webhooks to this machine
    /// allowed, as in <see cref="ApiFactory"/>), plus any extra ones.</summary>
    public static Dictionary<string, string> Settings(string connectionString, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>(ApiFactory.LoopbackWebhooks)
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            ["EventApi:Challenges:Secret"] = ApiFactory.ChallengeSecret,
            ["EventApi:Webhooks:SigningKey"] = ApiFactory.WebhookSigningKey,
            // The tests' requests all come from 127.0.0.1: the per-client limits are raised out of their way.
            ["EventApi:RateLimits:SessionStarts:PermitLimit"] = "1000000",
            ["EventApi:RateLimits:Claims:PermitLimit"] = "1000000",
        };
        foreach (var (key, value) in extra) settings[key] = value;
        return settings;
    }

    public HttpClient Client { get; }

    /// <summary>What the process wrote, for a failing test's message.</summary>
    public string Output => _runner.Output;

    /// <summary>The API's own build output, next to this test assembly's configuration (Debug or Release).</summary>
    public static string AssemblyPath
    {
        get
        {
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            var path = ApiRunner.AssemblyPath(configuration);
            return File.Exists(path) ? path : throw new FileNotFoundException("The API is not built (dotnet build src/Api).", path);
        }
    }

    public static string RepositoryRoot => ApiRunner.RepositoryRoot;

    /// <summary>Starts the process and waits until it answers /health/live.</summary>
    public Task StartAsync(TimeSpan timeout) => _runner.StartAsync(timeout);

    /// <summary>SIGKILL: no shutdown, no draining, no chance to record anything.</summary>
    public Task KillAsync() => _runner.KillAsync();

    /// <summary>SIGTERM: a graceful shutdown (SIGKILL if it has not exited after <paramref name="grace"/>).</summary>
    public Task StopAsync(TimeSpan grace) => _runner.StopAsync(grace);

    public async ValueTask DisposeAsync()
    {
        await _runner.DisposeAsync();
        Client.Dispose();
    }
}
