using System.Net;
using EventApi.Domain.Sessions;
using EventApi.Integration.Infrastructure;
using Microsoft.Extensions.Logging;

namespace EventApi.Integration.Sessions;

public sealed class ConcurrencyTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task requests_racing_on_the_same_version_let_exactly_one_win_and_the_others_get_409_or_412()
    {
        var (started, valid) = await Client.StartedSessionAsync();

        var results = await Together.RaceAsync(8, () => Client.MoveAsync(started.Id, started.Token, [valid], ifMatch: "\"1\""));

        results.Count(r => r.Status == HttpStatusCode.OK).ShouldBe(1, Describe(results));
        results.Where(r => r.Status != HttpStatusCode.OK).ShouldAllBe(r =>
            (r.Status == HttpStatusCode.Conflict && r.Body.Contains("urn:eventapi:problem:concurrency-conflict"))
            || (r.Status == HttpStatusCode.PreconditionFailed && r.Body.Contains("urn:eventapi:problem:version-mismatch")));
        await StreamShouldBeWhole(started.Id, expectedVersion: 2);
    }

    [Fact]
    public async Task concurrent_requests_without_if_match_never_corrupt_the_stream()
    {
        var started = await Client.StartAsync(seed: 12345);
        string[] moves = ["left", "up", "right", "down"];
        var next = 0;

        var results = await Together.RaceAsync(12, () => Client.MoveAsync(started.Id, started.Token, [moves[Interlocked.Increment(ref next) % 4]]));

        // Each is applied on the version it read (200), loses the race for it (409), or, applied after another,
        // moves nothing (422). Never a 5xx, and the stream holds exactly the applied moves.
        results.ShouldAllBe(r => r.Status == HttpStatusCode.OK || r.Status == HttpStatusCode.Conflict
                                 || r.Status == HttpStatusCode.UnprocessableEntity, Describe(results));
        var applied = results.Count(r => r.Status == HttpStatusCode.OK);
        applied.ShouldBeGreaterThanOrEqualTo(1);
        await StreamShouldBeWhole(started.Id, expectedMoves: applied);
    }

    [Fact]
    public async Task a_lost_race_is_answered_409_and_logs_no_stack_trace()
    {
        Api.Logs.Clear();
        string[] moves = ["left", "up", "right", "down"];
        var conflicts = 0;
        // Racers that read the same version lose at the append (409); on a busy machine they may run one after another
        // instead, so it races again on a new session until some lost.
        for (var round = 0; round < 10 && conflicts == 0; round++)
        {
            var started = await Client.StartAsync(seed: 12345);
            var next = 0;
            var results = await Together.RaceAsync(8, () => Client.MoveAsync(started.Id, started.Token, [moves[Interlocked.Increment(ref next) % 4]]));
            conflicts = results.Count(r => r.Status == HttpStatusCode.Conflict);
        }

        conflicts.ShouldBeGreaterThan(0);
        // Marten's default logger wrote each lost race at Error, with its SQL and a stack trace per command of the batch.
        var logged = Api.Logs.Lines;
        logged.ShouldNotContain(l => l.Exception != null || l.Message.Contains("   at ", StringComparison.Ordinal),
            string.Join("\n", logged));
        logged.ShouldNotContain(l => l.Level >= LogLevel.Warning, string.Join("\n", logged));
    }

    private static string Describe(Answer[] results) =>
        string.Join("\n", results.Select(r => $"{(int)r.Status} {r.Body}"));

    /// <summary>Versions 1..n with no gap, a start then moves, folding to exactly the view the API serves.</summary>
    private async Task StreamShouldBeWhole(Guid id, long? expectedVersion = null, int? expectedMoves = null)
    {
        await using var query = Api.Store.QuerySession();
        var events = await query.Events.FetchStreamAsync(id);
        events.Select(e => e.Version).ShouldBe(Enumerable.Range(1, events.Count).Select(v => (long)v));
        if (expectedVersion is { } version) events.Count.ShouldBe((int)version);
        var state = SessionDecider.Fold(events.Select(e => e.Data));
        if (expectedMoves is { } moves) state.Game.MoveCount.ShouldBe(moves);

        var view = await Client.GetSessionAsync(id);
        view.Version.ShouldBe(events.Count);
        view.Board.ShouldBe(state.Game.Board.ToRows());
        view.MoveCount.ShouldBe(state.Game.MoveCount);
    }

    [Fact]
    public async Task a_stale_if_match_is_412_with_the_current_etag_and_appends_nothing()
    {
        var (started, valid) = await Client.StartedSessionAsync();
        await Client.MoveOkAsync(started.Id, started.Token, valid);

        using var response = await Client.MoveAsync(started.Id, started.Token, ["left"], ifMatch: "\"1\"");

        (await response.ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed, "urn:eventapi:problem:version-mismatch"))
            .CurrentVersion.ShouldBe(2);
        response.Headers.ETag!.Tag.ShouldBe("\"2\"");
        (await Client.GetSessionAsync(started.Id)).Version.ShouldBe(2);
    }

    [Fact]
    public async Task a_matching_if_match_lets_the_move_through()
    {
        var (started, valid) = await Client.StartedSessionAsync();

        using var response = await Client.MoveAsync(started.Id, started.Token, [valid], ifMatch: "\"1\"");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.ETag!.Tag.ShouldBe("\"2\"");
    }
}
