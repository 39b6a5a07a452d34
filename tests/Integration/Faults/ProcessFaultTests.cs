using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using EventApi.Api.Features.Sessions;
using EventApi.Domain.Game;
using EventApi.Integration.Infrastructure;

namespace EventApi.Integration.Faults;

/// <summary>Faults only a real process shows: the API killed with SIGKILL, PostgreSQL stopped under it.</summary>
[Collection(Name)]
public sealed partial class ProcessFaultTests
{
    public const string Name = "process-faults";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task a_session_survives_the_api_killed_with_sigkill_and_plays_on_after_the_restart()
    {
        await using var api = new ApiProcess(ApiProcess.Settings(await PostgresServer.CreateDatabaseAsync("eventapi_sigkill")));
        await api.StartAsync(StartTimeout);
        var started = await api.Client.StartAsync("survivor", 12345);
        var (first, second) = TwoRealMoves(12345);
        var before = await api.Client.MoveOkAsync(started.Id, started.Token, first);

        await api.KillAsync();
        await api.StartAsync(StartTimeout);

        (await api.Client.GetSessionAsync(started.Id)).ShouldBeEquivalentTo(before);
        (await api.Client.MoveOkAsync(started.Id, started.Token, second)).Version.ShouldBe(before.Version + 1);
    }

    [Fact]
    public async Task with_postgresql_stopped_the_api_answers_503_problems_and_recovers_by_itself_when_it_returns()
    {
        await using var postgres = await DedicatedPostgres.StartAsync();
        await using var api = await StartedOnAsync(postgres);
        var started = await api.Client.StartAsync("steady", 12345);
        var (first, _) = TwoRealMoves(12345);

        await postgres.StopAsync();

        using (var start = await api.Client.PostAsJsonAsync("/sessions", new { player = "during", seed = 1 }))
            await start.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "urn:eventapi:problem:database-unavailable");
        using (var get = await api.Client.GetAsync($"/sessions/{started.Id}"))
        {
            await get.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "urn:eventapi:problem:database-unavailable");
            get.Headers.RetryAfter.ShouldNotBeNull();
        }

        using (var ready = await api.Client.GetAsync("/health/ready"))
            ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);

        await postgres.RestartAsync();

        // Npgsql reconnects on its own: the first requests after the restart succeed, nothing acknowledged was lost.
        (await api.Client.GetSessionAsync(started.Id)).Version.ShouldBe(1);
        (await api.Client.MoveOkAsync(started.Id, started.Token, first)).Version.ShouldBe(2);
        (await api.Client.StartAsync("after", 2)).Version.ShouldBe(1);
    }

    [Fact]
    public async Task an_outage_under_load_logs_its_start_and_its_end_once_and_no_stack_trace()
    {
        await using var postgres = await DedicatedPostgres.StartAsync();
        await using var api = await StartedOnAsync(postgres);
        var started = await api.Client.StartAsync("steady", 12345);
        using var stop = new CancellationTokenSource();
        // A few requests a second, as during the measurement in docs/operations.md: each a 503 while PostgreSQL is away.
        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using (await api.Client.PostAsJsonAsync("/sessions", new { player = "load", seed = 1 }, stop.Token)) { }
                    using (await api.Client.GetAsync($"/sessions/{started.Id}", stop.Token)) { }
                    await Task.Delay(200, stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
            }
        });

        await postgres.StopAsync();
        await WaitForAsync(api, Unreachable);
        // A few seconds down: Wolverine's and the daemon's polling loops, the sweeper and the requests all fail meanwhile.
        using (var during = await api.Client.GetAsync($"/sessions/{started.Id}"))
            during.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        await Task.Delay(TimeSpan.FromSeconds(4));
        await postgres.RestartAsync();
        await WaitForAsync(api, Reachable);
        (await api.Client.GetSessionAsync(started.Id)).Version.ShouldBe(1);
        await stop.CancelAsync();
        await load;

        var output = api.Output;
        Count(output, Unreachable).ShouldBe(1, output);
        Count(output, Reachable).ShouldBe(1, output);
        output.Split('\n').Where(line => StackFrame().IsMatch(line)).ShouldBeEmpty(output);
    }

    /// <summary>An API process on <paramref name="postgres"/>, answering.</summary>
    private static async Task<ApiProcess> StartedOnAsync(DedicatedPostgres postgres)
    {
        var api = new ApiProcess(ApiProcess.Settings(postgres.ConnectionString));
        try
        {
            await api.StartAsync(StartTimeout);
            return api;
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    private const string Unreachable = "PostgreSQL unreachable since";
    private const string Reachable = "PostgreSQL reachable again after";

    [GeneratedRegex(@"^\s+at \S")]
    private static partial Regex StackFrame();

    private static int Count(string output, string text) => output.Split(text).Length - 1;

    private static async Task WaitForAsync(ApiProcess api, string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!api.Output.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No \"{text}\" in the API's output within 60 s:\n{api.Output}");
            await Task.Delay(100);
        }
    }

    private static (string First, string Second) TwoRealMoves(uint seed)
    {
        var game = Engine.Start(seed, out _, out _);
        var moves = new List<string>();
        foreach (var direction in Enum.GetValues<Direction>().Concat(Enum.GetValues<Direction>()))
        {
            if (moves.Count < 2 && Engine.TryMove(ref game, direction, [], out _)) moves.Add(Moves.NameOf(direction));
        }

        return (moves[0], moves[1]);
    }
}

[CollectionDefinition(ProcessFaultTests.Name)]
public sealed class ProcessFaultCollection;
