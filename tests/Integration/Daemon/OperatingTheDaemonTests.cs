using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventApi.Api.Infrastructure;
using EventApi.Integration.Infrastructure;
using EventApi.Projections.Statistics;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EventApi.Integration.Daemon;

public sealed class OperatingTheDaemonTests(ApiFactory api) : ApiTest(api)
{
    private static readonly string[] AsyncShards =
        ["leaderboard:All", "player-statistics:All", "session-timeline:All", "side-effects:All", "statistics:All"];

    [Fact]
    public async Task async_projections_advance_under_hot_cold_with_transaction_scoped_advisory_locks()
    {
        var (_, moves) = await Client.SessionWithMovesAsync("alice", 12345, moves: 6);

        await Api.WaitForProjectionsAsync();

        var (data, freshness) = await StatisticsAsync();
        (data.SessionsStarted, data.SessionsAbandoned, data.FinishedGames, data.Moves.Total).ShouldBe((1, 1, 1, moves));
        freshness.Sequence.ShouldBe(await LastSequenceAsync());
        freshness.Lag.ShouldBe(0);
    }

    [Fact]
    public async Task admin_projections_lists_every_async_shard_caught_up_and_running_after_some_games()
    {
        await Client.SessionWithMovesAsync("alice", 12345, moves: 5);
        await Client.SessionWithMovesAsync("bob", 777, moves: 3, abandon: false);
        await Api.WaitForProjectionsAsync();
        var lastSequence = await LastSequenceAsync();

        var report = await Client.GetProjectionsAsync();

        report.GetProperty("highWaterMark").GetInt64().ShouldBe(lastSequence);
        var shards = report.GetProperty("shards").EnumerateArray().ToArray();
        shards.Select(s => s.GetProperty("name").GetString()).ShouldBe(AsyncShards);
        foreach (var shard in shards)
        {
            var name = shard.GetProperty("name").GetString()!;
            shard.GetProperty("projection").GetString().ShouldBe(name[..name.IndexOf(':', StringComparison.Ordinal)]);
            shard.GetProperty("sequence").GetInt64().ShouldBe(lastSequence, name);
            shard.GetProperty("highWaterMark").GetInt64().ShouldBe(lastSequence, name);
            shard.GetProperty("lagEvents").GetInt64().ShouldBe(0, name);
            shard.GetProperty("lagSeconds").GetDouble().ShouldBe(0, name);
            shard.GetProperty("status").GetString().ShouldBe("running", name);
            shard.GetProperty("runningHere").GetBoolean().ShouldBeTrue(name);
            shard.GetProperty("deadLetters").GetInt64().ShouldBe(0, name);
            shard.TryGetProperty("error", out var error).ShouldBeTrue(name);
            error.ValueKind.ShouldBe(JsonValueKind.Null, name);
        }
    }

    // The types each projection declares (IncludeType) that these games have; the statistics count every event,
    // declare none and are fed every event.
    [Theory]
    [InlineData("statistics", null)]
    [InlineData("player-statistics", new[] { "session_started_v2", "game_over_v2", "session_abandoned_v2" })]
    [InlineData("leaderboard", new[] { "session_started_v2", "game_over_v2", "session_abandoned_v2" })]
    [InlineData("session-timeline", new[] { "session_started_v2", "tiles_moved" })]
    public async Task rebuilding_a_projection_through_http_leaves_its_documents_byte_for_byte_as_they_were(string projection, string[]? declaredTypes)
    {
        await Client.SessionWithMovesAsync("alice", 12345, moves: 8);
        await Client.SessionWithMovesAsync("bob", 777, moves: 4);
        await Client.SessionWithMovesAsync("alice", 4242, moves: 2, abandon: false);
        await Api.WaitForProjectionsAsync();
        var before = await DocumentsOfAsync(projection);
        before.ShouldNotBeEmpty();
        var lastSequence = await LastSequenceAsync();

        var rebuilt = await Client.RebuildAsync(projection);

        (await DocumentsOfAsync(projection)).ShouldBe(before);
        rebuilt.GetProperty("projection").GetString().ShouldBe(projection);
        rebuilt.GetProperty("shards").EnumerateArray().Select(s => s.GetString()).ShouldBe([$"{projection}:All"]);
        rebuilt.GetProperty("rebuiltTo").GetInt64().ShouldBe(lastSequence);
        rebuilt.GetProperty("eventsProcessed").GetInt64().ShouldBe(await CountEventsAsync(declaredTypes));
        var startedAt = rebuilt.GetProperty("startedAt").GetDateTimeOffset();
        var finishedAt = rebuilt.GetProperty("finishedAt").GetDateTimeOffset();
        finishedAt.ShouldBeGreaterThanOrEqualTo(startedAt);
        rebuilt.GetProperty("durationSeconds").GetDouble().ShouldBe((finishedAt - startedAt).TotalSeconds, 0.001);

        // The rebuilt shard runs again: it takes the next game like every other shard.
        await Client.SessionWithMovesAsync("carol", 99, moves: 3);
        await Api.WaitForProjectionsAsync();
        var shard = await Client.GetShardAsync($"{projection}:All");
        shard.GetProperty("status").GetString().ShouldBe("running");
        shard.GetProperty("sequence").GetInt64().ShouldBe(await LastSequenceAsync());
    }

    [Fact]
    public async Task rebuilding_a_projection_that_does_not_exist_is_a_404_problem_naming_the_ones_that_do()
    {
        using var response = await Client.SendAdminAsync(HttpMethod.Post, "/admin/projections/global-stats/rebuild");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "urn:eventapi:problem:projection-not-found");
        problem.Detail!.ShouldContain("'global-stats'");
        problem.Detail!.ShouldContain("leaderboard, player-statistics, session-timeline, statistics.");
    }

    [Fact]
    public async Task an_event_that_makes_a_projection_throw_is_dead_lettered_and_the_projection_advances_past_it()
    {
        var (first, _) = await Client.SessionWithMovesAsync("alice", 12345, moves: 4, abandon: false);
        var bogus = await Api.AppendBogusGameOverAsync(first);
        var (_, moves) = await Client.SessionWithMovesAsync("bob", 777, moves: 3);

        await Api.WaitForProjectionsAsync();

        // The bogus GameOver counts nowhere; every other event does.
        var (data, freshness) = await StatisticsAsync();
        (data.SessionsStarted, data.SessionsOver, data.SessionsAbandoned, data.FinishedGames, data.Moves.Total).ShouldBe((2, 0, 1, 1, 4 + moves));
        freshness.Sequence.ShouldBeGreaterThan(bogus);

        await using var query = Api.Store.QuerySession();
        var deadLetters = await query.Query<JasperFx.Events.Daemon.DeadLetterEvent>().ToListAsync();
        // It failed for two documents, the global statistics and its day's: a dead letter each, one skipped event.
        deadLetters.Select(d => (d.ProjectionName, d.EventSequence)).ShouldBe([("statistics", bogus), ("statistics", bogus)]);
        deadLetters.ShouldAllBe(d => d.ExceptionType == nameof(InvalidDataException));

        var shard = await Client.GetShardAsync("statistics:All");
        shard.GetProperty("status").GetString().ShouldBe("running");
        shard.GetProperty("deadLetters").GetInt64().ShouldBe(1);
    }

    private async Task<Fresh<GameStatistics>> StatisticsAsync() =>
        (await Client.GetFromJsonAsync<Fresh<GameStatistics>>("/stats", SessionsClient.Json))!;

    /// <summary>Every document of the projection's tables, as PostgreSQL stores its JSON, by id.</summary>
    private async Task<List<string>> DocumentsOfAsync(string projection)
    {
        var published = Api.Services.GetRequiredService<StoreOptions>().Projections.All.Single(p => p.Name == projection).PublishedTypes();
        var rows = new List<string>();
        await using var connection = Api.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        foreach (var type in published)
        {
            var table = Api.Store.Options.FindOrResolveDocumentType(type).TableName.QualifiedName;
            await using var select = new NpgsqlCommand($"select id::text || ' ' || data::text from {table} order by id", connection);
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add($"{table} {reader.GetString(0)}");
        }

        return rows;
    }

    private async Task<long> LastSequenceAsync() => (await Api.Store.Advanced.FetchEventStoreStatistics()).EventSequenceNumber;

    /// <summary>Events of the given types (all events when none are given).</summary>
    private async Task<long> CountEventsAsync(string[]? types)
    {
        await using var query = Api.Store.QuerySession();
        var events = await query.Events.QueryAllRawEvents().ToListAsync();
        return events.Count(e => types is null || types.Contains(e.EventTypeName));
    }
}
