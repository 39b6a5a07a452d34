using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EventApi.Integration.Infrastructure;

/// <summary>
/// The built API run as a child process, as it runs in production: for the faults an in-memory host cannot show,
/// such as the process killed with SIGKILL in the middle of its work and started again.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly StringBuilder _output = new();
    private Process? _process;

    /// <param name="settings">Configuration, by its keys (<c>ConnectionStrings:Postgres</c>, <c>EventApi:...</c>).</param>
    public ApiProcess(IReadOnlyDictionary<string, string> settings)
    {
        _settings = settings;
        Port = FreePort();
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

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
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>The API's own build output, next to this test assembly's configuration (Debug or Release).</summary>
    public static string AssemblyPath
    {
        get
        {
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            var path = Path.Combine(RepositoryRoot, "src", "Api", "bin", configuration, "net10.0", "EventApi.Api.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("The API is not built (dotnet build src/Api).", path);
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

    /// <summary>Starts the process and waits until it answers /health/live.</summary>
    public async Task StartAsync(TimeSpan timeout)
    {
        if (_process is { HasExited: false }) throw new InvalidOperationException("The API process is already running.");

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(AssemblyPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(AssemblyPath);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        foreach (var (key, value) in _settings) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The API exited with {_process.ExitCode} while starting:\n{Output}");
            try
            {
                using var response = await Client.GetAsync("/health/live", deadline.Token);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"The API did not answer within {timeout}:\n{Output}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
        }
    }

    /// <summary>SIGKILL: no shutdown, no draining, no chance to record anything.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        Client.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
