using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace EventApi.Bench.Harness;

/// <summary>
/// The API as production runs it: the Release build (<c>src/Api/bin/Release</c>, which scripts/bench.sh builds) in a
/// process of its own, on a free loopback port, configured by environment variables, so the bench's own CPU and
/// allocations are not the API's.
/// </summary>
public sealed class ApiHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ApiHost(Process process, Uri address, string adminKey)
    {
        _process = process;
        Address = address;
        AdminKey = adminKey;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri Address { get; }

    /// <summary>The API process's id (its CPU time is in <c>/proc/&lt;id&gt;/stat</c>).</summary>
    public int ProcessId => _process.Id;

    /// <summary>The <c>X-Admin-Key</c> this process was started with.</summary>
    public string AdminKey { get; }

    /// <summary>What the process wrote (warnings and errors only: the bench starts it with log level Warning).</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "EventApi.sln"))) return dir.FullName;
            }

            throw new InvalidOperationException("EventApi.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>
    /// Starts the API on <paramref name="connectionString"/> with fresh secrets and waits until it answers
    /// <c>/health/live</c>. <paramref name="settings"/> adds or overrides configuration by key
    /// (<c>EventApi:SideEffects:RetryBaseDelay</c>, ...).
    /// </summary>
    public static async Task<ApiHost> StartAsync(string connectionString, IReadOnlyDictionary<string, string>? settings = null,
        TimeSpan? timeout = null)
    {
        var assembly = Path.Combine(RepositoryRoot, "src", "Api", "bin", "Release", "net10.0", "EventApi.Api.dll");
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException("The API's Release build is missing: dotnet build src/Api -c Release.", assembly);
        }

        var port = FreePort();
        var adminKey = Secret();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
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
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) environment[key] = value;
        foreach (var (key, value) in environment) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var host = new ApiHost(process, new Uri($"http://127.0.0.1:{port}"), adminKey);
        using var probe = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The API exited with {process.ExitCode} while starting:\n{host.Output}");
            }

            try
            {
                using var response = await probe.GetAsync("/health/live");
                if (response.StatusCode == HttpStatusCode.OK) return host;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Still starting.
            }

            if (deadline.Elapsed > limit)
            {
                await host.DisposeAsync();
                throw new TimeoutException($"The API did not answer within {limit}:\n{host.Output}");
            }

            await Task.Delay(100);
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

    /// <summary>Stops the process (SIGTERM, then SIGKILL after 10 s) and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or System.ComponentModel.Win32Exception)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private static string Secret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
