using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EventApi.Testing;

/// <summary>
/// The built API (<c>src/Api/bin/&lt;configuration&gt;/net10.0/EventApi.Api.dll</c>) run with <c>dotnet</c> as a child
/// process on a loopback port, configured by environment variables, as production runs it. The integration tests
/// (ApiProcess: killed with SIGKILL and started again on the same port) and the bench (ApiHost: stopped with SIGTERM)
/// both start it here.
/// </summary>
public sealed class ApiRunner : IAsyncDisposable
{
    private readonly string _assembly;
    private readonly string _environmentName;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly StringBuilder _output = new();
    private Process? _process;

    /// <param name="assembly">The API's built assembly (<see cref="AssemblyPath"/>).</param>
    /// <param name="port">The loopback port it listens on, every time it is started.</param>
    /// <param name="environmentName">ASPNETCORE_ENVIRONMENT: <c>Production</c>, <c>Testing</c>.</param>
    /// <param name="settings">Configuration by its keys (<c>ConnectionStrings:Postgres</c>, <c>EventApi:...</c>).</param>
    public ApiRunner(string assembly, int port, string environmentName, IReadOnlyDictionary<string, string> settings)
    {
        _assembly = assembly;
        _environmentName = environmentName;
        _settings = settings;
        Port = port;
        Address = new Uri($"http://127.0.0.1:{port}");
    }

    public int Port { get; }

    public Uri Address { get; }

    /// <summary>The running process's id (its CPU time is in <c>/proc/&lt;id&gt;/stat</c>).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("The API process has not been started.");

    /// <summary>What the process wrote, on either stream, since it was first started.</summary>
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

    /// <summary>Where the API's build of <paramref name="configuration"/> (Debug, Release) is.</summary>
    public static string AssemblyPath(string configuration) =>
        Path.Combine(RepositoryRoot, "src", "Api", "bin", configuration, "net10.0", "EventApi.Api.dll");

    /// <summary>A loopback port nothing listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the process and waits until it answers <c>/health/live</c>.</summary>
    /// <exception cref="InvalidOperationException">The process exited while starting (its output is in the message).</exception>
    /// <exception cref="TimeoutException">It did not answer within <paramref name="timeout"/>; it is left running.</exception>
    public async Task StartAsync(TimeSpan timeout)
    {
        if (_process is { HasExited: false }) throw new InvalidOperationException("The API process is already running.");

        _process?.Dispose();
        _process = Process.Start(StartInfo()) ?? throw new InvalidOperationException("dotnet did not start.");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilLiveAsync(_process, timeout);
    }

    /// <summary>SIGKILL: no shutdown, no draining, no chance to record anything.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, a graceful shutdown; SIGKILL if it has not exited after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process is null || _process.HasExited) return;
        try
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            using var patience = new CancellationTokenSource(grace);
            await _process.WaitForExitAsync(patience.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            await KillAsync();
        }
    }

    /// <summary>Kills the process if it still runs.</summary>
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }

    private ProcessStartInfo StartInfo()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(_assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(_assembly);
        start.Environment["ASPNETCORE_URLS"] = Address.ToString().TrimEnd('/');
        start.Environment["ASPNETCORE_ENVIRONMENT"] = _environmentName;
        foreach (var (key, value) in _settings) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        return start;
    }

    private async Task WaitUntilLiveAsync(Process process, TimeSpan timeout)
    {
        using var probe = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                // Until then the output may still be on its way: this waits for the end of both streams.
                await process.WaitForExitAsync();
                throw new InvalidOperationException($"The API exited with {process.ExitCode} while starting:\n{Output}");
            }

            try
            {
                using var response = await probe.GetAsync("/health/live");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Still starting.
            }

            if (deadline.Elapsed > timeout) throw new TimeoutException($"The API did not answer within {timeout}:\n{Output}");
            await Task.Delay(100);
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }
}
