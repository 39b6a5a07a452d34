using System.Diagnostics;

namespace EventApi.Integration.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of one test's own (scripts/local-postgres.sh with its own folder), which the test may stop and
/// start without disturbing any other test. It keeps its port across restarts, so a running API reconnects to it.
/// </summary>
public sealed class DedicatedPostgres : IAsyncDisposable
{
    private readonly string _directory;

    private DedicatedPostgres(string directory, string connectionString)
    {
        _directory = directory;
        ConnectionString = connectionString;
    }

    /// <summary>The cluster's <c>postgres</c> database.</summary>
    public string ConnectionString { get; }

    public static async Task<DedicatedPostgres> StartAsync()
    {
        var directory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"eventapi-pg-{Guid.NewGuid():N}")).FullName;
        if (!OperatingSystem.IsWindows())
        {
            // Traversable by the postgres user the script runs the server as when the tests run as root.
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        var connectionString = await Run(directory, "start");
        return new DedicatedPostgres(directory, connectionString.Trim());
    }

    public Task StopAsync() => Run(_directory, "stop");

    public Task RestartAsync() => Run(_directory, "start");

    public async ValueTask DisposeAsync()
    {
        await Run(_directory, "stop");
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<string> Run(string directory, string command)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(ApiProcess.RepositoryRoot, "scripts", "local-postgres.sh"));
        start.ArgumentList.Add(command);
        start.Environment["EVENTAPI_PG_DIR"] = Path.Combine(directory, "pg");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"local-postgres.sh {command} failed ({process.ExitCode}): {await error}");
        return await output;
    }
}
