using System.Diagnostics;

namespace EventApi.Integration.Infrastructure;

/// <summary>What a command a test ran wrote, and how it ended.</summary>
public sealed record CommandResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Both streams, for a failing assertion's message.</summary>
    public string Output => Stdout + Stderr;
}

/// <summary>Runs a command of the machine's (bash, node) as a test needs it: arguments, optional standard input, a bound.</summary>
public static class Commands
{
    public static async Task<CommandResult> RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout, string? stdin = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        await process.WaitForExitAsync().WaitAsync(timeout);
        return new CommandResult(process.ExitCode, await stdout, await stderr);
    }
}
