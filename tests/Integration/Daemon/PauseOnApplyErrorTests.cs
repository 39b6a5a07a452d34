using System.Net;
using System.Text.Json;
using EventApi.Integration.Infrastructure;
using JasperFx.Events.Daemon;
using Marten;

namespace EventApi.Integration.Daemon;

/// <summary>A host whose async projections pause on an event that makes them throw.</summary>
public sealed class PauseOnApplyErrorApiFactory : ApiFactory
{
    protected override IDictionary<string, string?> Settings(IDictionary<string, string?> defaults)
    {
        defaults["EventApi:Projections:OnApplyError"] = "pause";
        return defaults;
    }
}

[CollectionDefinition(Name)]
public sealed class PauseOnApplyErrorCollection : ICollectionFixture<PauseOnApplyErrorApiFactory>
{
    public const string Name = "api pausing on apply errors";
}

[Collection(PauseOnApplyErrorCollection.Name)]
public sealed class PauseOnApplyErrorTests(PauseOnApplyErrorApiFactory api) : ApiTest(api)
{
    private const string Shard = "statistics:All";

    [Fact]
    public async Task an_event_that_makes_a_projection_throw_pauses_its_shard_with_the_error_and_degrades_readiness()
    {
        var (first, _) = await Client.SessionWithMovesAsync("alice", 12345, moves: 4, abandon: false);
        var bogus = await Api.AppendBogusGameOverAsync(first);
        await Client.SessionWithMovesAsync("bob", 777, moves: 2);

        var shard = await WaitUntilPausedAsync(Shard);

        shard.GetProperty("sequence").GetInt64().ShouldBeLessThan(bogus);
        shard.GetProperty("lagEvents").GetInt64().ShouldBeGreaterThan(0);
        shard.GetProperty("lagSeconds").GetDouble().ShouldBeGreaterThan(0);
        var error = shard.GetProperty("error");
        error.GetProperty("category").GetString().ShouldBe("applyEvent");
        error.GetProperty("type").GetString().ShouldBe("System.IO.InvalidDataException");
        error.GetProperty("message").GetString()!.ShouldContain("power of two");
        error.GetProperty("eventSequence").GetInt64().ShouldBe(bogus);
        error.GetProperty("eventType").GetString().ShouldBe("game_over_v2");
        shard.GetProperty("deadLetters").GetInt64().ShouldBe(0);

        var report = await Client.ReadinessShouldBeDegradedByAsync(Shard);
        report.GetProperty("checks").GetProperty("projections").GetProperty("status").GetString().ShouldBe("degraded");
        report.GetProperty("checks").GetProperty("database").GetProperty("status").GetString().ShouldBe("healthy");

        await using var query = Api.Store.QuerySession();
        (await query.Query<DeadLetterEvent>().CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task a_rebuild_that_meets_an_event_that_makes_the_projection_throw_is_a_500_problem_and_the_shard_pauses_on_it()
    {
        var (first, _) = await Client.SessionWithMovesAsync("alice", 12345, moves: 4, abandon: false);
        await Api.WaitForShardRunningHereAsync(Shard);
        var bogus = await Api.AppendBogusGameOverAsync(first);

        using var response = await Client.SendAdminAsync(HttpMethod.Post, "/admin/projections/statistics/rebuild");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.InternalServerError, "urn:eventapi:problem:rebuild-failed");
        problem.Detail!.ShouldContain("power of two");
        var shard = await WaitUntilPausedAsync(Shard);
        shard.GetProperty("error").GetProperty("eventSequence").GetInt64().ShouldBe(bogus);
    }

    /// <summary>
    /// Waits (bounded) for the daemon to publish that the shard paused, then reads it through the API. The daemon
    /// retries a paused shard every few seconds, so a read that catches the retry running waits for the next pause.
    /// </summary>
    private async Task<JsonElement> WaitUntilPausedAsync(string shard)
    {
        var tracker = (await Api.ProjectionDaemonAsync()).Tracker;
        using var patience = new CancellationTokenSource(DaemonTesting.Patience);
        while (true)
        {
            await tracker.WaitForShardCondition(s => s.ShardName == shard && s.Action == ShardAction.Paused,
                $"{shard} paused", DaemonTesting.Patience).WaitAsync(patience.Token);
            var seen = await Client.GetShardAsync(shard);
            if (seen.GetProperty("status").GetString() == "paused") return seen;
        }
    }
}
