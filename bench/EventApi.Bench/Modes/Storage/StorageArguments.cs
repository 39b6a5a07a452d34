using System.Globalization;
using EventApi.Bench.Harness;

namespace EventApi.Bench.Modes.Storage;

/// <summary>The storage mode's command-line options and their defaults.</summary>
internal sealed record StorageArguments(string Connection, int Games, int Moves, int Workers, string? Before, string? Markdown)
{
    public static StorageArguments? Parse(string[] args)
    {
        var connection = BenchArguments.DefaultServer;
        var games = 3000;
        var moves = 10;
        var workers = 8;
        string? before = null;
        string? markdown = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--connection": connection = value; i++; break;
                case "--games": games = int.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--moves": moves = int.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--workers": workers = int.Parse(value!, CultureInfo.InvariantCulture); i++; break;
                case "--before": before = value; i++; break;
                case "--markdown": markdown = value; i++; break;
                default:
                    Console.Error.WriteLine(
                        "usage: storage [--connection <npgsql connection string>] [--games 3000] [--moves 10] [--workers 8] " +
                        "[--before <an earlier build's EventApi.Api.dll>] [--markdown docs/benchmarks.md]");
                    return null;
            }
        }

        if (!BenchArguments.HasServer(connection) || games < 1 || moves < 1 || workers < 1 || (before is not null && !File.Exists(before)))
        {
            Console.Error.WriteLine("storage: at least one game, one move and one worker; --before names a built EventApi.Api.dll.");
            return null;
        }

        return new StorageArguments(connection!, games, moves, workers, before, markdown);
    }
}
