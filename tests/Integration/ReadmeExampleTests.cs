using EventApi.Integration.Faults;
using EventApi.Integration.Infrastructure;

namespace EventApi.Integration;

/// <summary>The README's first example, exactly as written, against the API run as a process.</summary>
[Collection(ProcessFaultTests.Name)]
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task the_readmes_first_example_runs_as_pasted()
    {
        await using var api = new ApiProcess(ApiProcess.Settings(await PostgresServer.CreateDatabaseAsync("eventapi_readme")));
        await api.StartAsync(TimeSpan.FromSeconds(90));
        var example = FirstExample(await File.ReadAllTextAsync(Path.Combine(ApiProcess.RepositoryRoot, "README.md")))
            .Replace("localhost:5080", $"127.0.0.1:{api.Port}", StringComparison.Ordinal);

        var bash = await Commands.RunAsync("bash", ["-euo", "pipefail", "-c", example], TimeSpan.FromSeconds(60));

        bash.ExitCode.ShouldBe(0, bash.Output);
        var lines = bash.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(9, bash.Output);
        lines[0].ShouldContain("\"token\":");
        lines[1].ShouldContain("\"moveCount\":3");
        lines[3].ShouldStartWith("[{\"version\":1");
        lines[4].ShouldContain("\"status\":\"abandoned\"");
        // The live stream of the ended game: the retry hint, then one frame (event, data, id), then the end.
        lines[5..].ShouldBe(["retry: 2000", "event: session", lines[7], "id: 5"], bash.Output);
        lines[7].ShouldStartWith("data: {\"event\":null,\"session\":{");
        lines[7].ShouldContain("\"status\":\"abandoned\"");
    }

    /// <summary>The shell block under "Play a game with curl".</summary>
    private static string FirstExample(string readme)
    {
        var section = readme[readme.IndexOf("## Play a game with curl", StringComparison.Ordinal)..];
        var start = section.IndexOf("```sh\n", StringComparison.Ordinal) + "```sh\n".Length;
        return section[start..section.IndexOf("\n```", start, StringComparison.Ordinal)];
    }
}
