using System.Net;
using System.Net.Http.Json;
using EventApi.Api.Features.Sessions;
using EventApi.Domain.Game;
using EventApi.Integration.Infrastructure;

namespace EventApi.Integration.Faults;

/// <summary>Faults only a real process shows: the API killed with SIGKILL, PostgreSQL stopped under it.</summary>
[Collection(Name)]
public sealed class ProcessFaultTests
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
        await using var api = new ApiProcess(ApiProcess.Settings(postgres.ConnectionString));
        await api.StartAsync(StartTimeout);
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
