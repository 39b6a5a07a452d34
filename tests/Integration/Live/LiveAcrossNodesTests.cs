using EventApi.Api.Features.Sessions;
using EventApi.Domain.Game;
using EventApi.Integration.Infrastructure;

namespace EventApi.Integration.Live;

/// <summary>Two API processes on one database: a spectator on either node sees what was appended through the other,
/// and a node that stops ends its streams cleanly, to be resumed on the other.</summary>
[Collection(Name)]
public sealed class LiveAcrossNodesTests
{
    public const string Name = "live across api processes";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task a_spectator_on_one_node_gets_every_frame_of_moves_made_through_the_other_and_resumes_there_after_a_stop()
    {
        var database = await PostgresServer.CreateDatabaseAsync("eventapi_live_nodes");
        await using var a = new ApiProcess(ApiProcess.Settings(database));
        await using var b = new ApiProcess(ApiProcess.Settings(database));
        await a.StartAsync(StartTimeout);
        await b.StartAsync(StartTimeout);

        var (seed, moves) = Scenarios.GameReaching512();
        var started = await a.Client.StartAsync("alice", seed);
        await using var onB = await LiveStream.OpenAsync(b.Client, started.Id);
        (await onB.NextAsync())!.Id.ShouldBe(1);

        // Moves through A, one a request and then a batch: B's spectator gets each frame, with the view A answered.
        SessionResponse view = started;
        foreach (var request in moves.Take(15).Select(m => new[] { m }).Append(moves[15..40]))
        {
            view = await a.Client.MoveOkAsync(started.Id, started.Token, request);
            var frames = await onB.ThroughAsync(view.Version);
            LiveStream.Json(frames[^1].Frame.Session).ShouldBe(LiveStream.Json(view));
        }

        // The other way round: moves through B, watched on A.
        await using var onA = await LiveStream.OpenAsync(a.Client, started.Id, lastEventId: $"{view.Version}");
        view = await b.Client.MoveOkAsync(started.Id, started.Token, moves[40..45]);
        (await onA.ThroughAsync(view.Version)).Select(f => f.Id).ShouldBe(LiveStream.Versions(view.Version - 4, view.Version));

        // B stops gracefully: its stream ends cleanly (no reset); moves go on through A; the spectator resumes on A.
        var lastOnB = (await onB.ThroughAsync(view.Version))[^1].Id;
        var stopping = b.StopAsync(TimeSpan.FromSeconds(20));
        (await onB.NextAsync(TimeSpan.FromSeconds(20))).ShouldBeNull("a node that stops ends its streams");
        await stopping;
        view = await a.Client.MoveOkAsync(started.Id, started.Token, moves[45..50]);
        await using var resumed = await LiveStream.OpenAsync(a.Client, started.Id, lastEventId: $"{lastOnB}");
        (await resumed.ThroughAsync(view.Version)).Select(f => f.Id).ShouldBe(LiveStream.Versions(lastOnB + 1, view.Version));
    }
}
