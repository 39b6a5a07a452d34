using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventApi.Api.Features.Sessions.Archiving;
using EventApi.Integration.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EventApi.Integration.Sessions;

/// <summary>The API on real Kestrel (spectators are real HTTP streams) with archiving on: its store's event tables are
/// partitioned by <c>is_archived</c>.</summary>
public sealed class ArchivingApiFactory : KestrelApiFactory
{
    protected override IDictionary<string, string?> Settings(IDictionary<string, string?> defaults)
    {
        defaults["EventApi:Archiving:Enabled"] = "true";
        return defaults;
    }
}

[CollectionDefinition(Name)]
public sealed class ArchivingCollection : ICollectionFixture<ArchivingApiFactory>
{
    public const string Name = "api archiving";
}

/// <summary>
/// Finished sessions move to the event store's archive partitions after a while (<see cref="SessionArchiver"/>), and
/// every read answers for them as before.
/// </summary>
[Collection(ArchivingCollection.Name)]
public sealed class ArchivingTests(ArchivingApiFactory api) : ApiTest(api)
{
    private SessionArchiver Archiver => Api.Services.GetRequiredService<SessionArchiver>();

    [Fact]
    public async Task an_archived_session_answers_every_read_and_every_command_as_it_did_before()
    {
        var game = await Client.PlayedSessionAsync("alice", 12345, randomSeed: 7, maxMoves: 30, batch: 10, abandon: true);
        var id = game.Started.Id;
        var before = await EverythingAboutAsync(game);

        (await Archiver.ArchiveAsync(DateTimeOffset.UtcNow, CancellationToken.None)).ShouldBe(1);

        (await IsArchivedAsync(id)).ShouldBeTrue();
        var after = await EverythingAboutAsync(game);
        after.Count.ShouldBe(before.Count);
        for (var i = 0; i < before.Count; i++) after[i].ShouldBe(before[i]);
    }

    [Fact]
    public async Task only_finished_sessions_whose_last_event_is_older_than_the_age_are_archived()
    {
        var active = await Client.PlayedSessionAsync("bob", 777, randomSeed: 1, maxMoves: 5);
        var beforeTheEnd = DateTimeOffset.UtcNow;
        var abandoned = await Client.PlayedSessionAsync("bob", 778, randomSeed: 2, maxMoves: 5, abandon: true);

        (await Archiver.ArchiveAsync(beforeTheEnd, CancellationToken.None)).ShouldBe(0);
        (await Archiver.ArchiveAsync(DateTimeOffset.UtcNow, CancellationToken.None)).ShouldBe(1);
        (await Archiver.ArchiveAsync(DateTimeOffset.UtcNow, CancellationToken.None)).ShouldBe(0);

        (await IsArchivedAsync(abandoned.Started.Id)).ShouldBeTrue();
        (await IsArchivedAsync(active.Started.Id)).ShouldBeFalse();
        // The active session plays on.
        var answers = new List<HttpStatusCode>();
        foreach (var direction in Moves.Names)
        {
            using var move = await Client.MoveAsync(active.Started.Id, active.Started.Token, [direction]);
            answers.Add(move.StatusCode);
            if (move.IsSuccessStatusCode) break;
        }

        answers.ShouldContain(HttpStatusCode.OK);
    }

    [Fact]
    public async Task a_rebuild_after_archiving_still_counts_the_archived_games()
    {
        await Client.SessionWithMovesAsync("carol", 12345, moves: 8);
        await Client.SessionWithMovesAsync("dave", 777, moves: 4);
        var (open, _) = await Client.SessionWithMovesAsync("carol", 4242, moves: 2, abandon: false);
        await Api.WaitForProjectionsAsync();
        // What every projection must show of the three games (14 moves, two finished), before anything is compared.
        var shown = "";
        try
        {
            await WebhookReceiver.WaitUntilAsync(async () =>
            {
                var stats = JsonSerializer.Deserialize<JsonElement>(await DataAsync("/stats"));
                var leaderboard = JsonSerializer.Deserialize<JsonElement>(await DataAsync("/leaderboard"));
                var timeline = JsonSerializer.Deserialize<JsonElement>(await DataAsync($"/sessions/{open}/timeline"));
                var carol = JsonSerializer.Deserialize<JsonElement>(await DataAsync("/players/carol/stats"));
                shown = $"sessions started {stats.GetProperty("sessionsStarted")}, moves {stats.GetProperty("moves").GetProperty("total")}, " +
                    $"leaderboard entries {leaderboard.GetArrayLength()}, timeline version {timeline.GetProperty("version")}, " +
                    $"carol's games {carol.GetProperty("games")}";
                return stats.GetProperty("sessionsStarted").GetInt32() == 3 && stats.GetProperty("moves").GetProperty("total").GetInt32() == 14
                    && leaderboard.GetArrayLength() == 2 && timeline.GetProperty("version").GetInt64() == 3
                    && carol.GetProperty("games").GetInt32() == 2;
            }, "the projections to show the three games", DaemonTesting.Patience);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} They showed: {shown}. The daemon: {await Api.DescribeProgressAsync()}.", e);
        }
        string[] reads = ["/stats", "/players/carol/stats", "/players/dave/stats", "/leaderboard", $"/sessions/{open}/timeline"];
        var before = await Task.WhenAll(reads.Select(DataAsync));

        (await Archiver.ArchiveAsync(DateTimeOffset.UtcNow, CancellationToken.None)).ShouldBe(2);
        foreach (var projection in new[] { "statistics", "player-statistics", "leaderboard", "session-timeline" })
        {
            // A rebuild goes to the node the cluster's assignments name: this one, once they say so after the data reset.
            await Api.WaitForShardRunningHereAsync($"{projection}:All");
            await Client.RebuildAsync(projection);
        }

        (await Task.WhenAll(reads.Select(DataAsync))).ShouldBe(before);
    }

    /// <summary>Everything a client can read about the game, and what a move and an abandon get: the session and its
    /// ETag, its events a page at a time, the session at each version and at a moment it showed, a spectator from the
    /// start, one resuming halfway and one asking for versions it has not reached.</summary>
    private async Task<List<string>> EverythingAboutAsync(PlayedGame game)
    {
        var id = game.Started.Id;
        var seen = new List<string>();
        using (var session = await Client.GetAsync($"/sessions/{id}"))
            seen.Add($"{session.StatusCode} {session.Headers.ETag} {await session.Content.ReadAsStringAsync()}");
        foreach (var page in await Client.GetEventPagesAsync($"/sessions/{id}/events?limit=7"))
            seen.Add($"{page.ETag} {page.Next} {page.Body}");
        var version = game.Final.Version;
        foreach (var at in new[] { 1, version / 2, version })
        {
            using var replay = await Client.GetAsync($"/sessions/{id}/replay?version={at}");
            seen.Add($"{replay.StatusCode} {await replay.Content.ReadAsStringAsync()}");
        }

        var moment = Uri.EscapeDataString(game.Steps[1].View.UpdatedAt.ToString("O"));
        using (var replay = await Client.GetAsync($"/sessions/{id}/replay?at={moment}"))
            seen.Add($"{replay.StatusCode} {await replay.Content.ReadAsStringAsync()}");

        await using (var fromTheStart = await LiveStream.OpenAsync(Client, id, after: 0, contract: Api.Contract))
            seen.AddRange((await fromTheStart.ToEndAsync()).Select(f => $"{f.EventType} {f.Id} {f.RawData}"));
        await using (var resumed = await LiveStream.OpenAsync(Client, id, lastEventId: $"{version / 2}", contract: Api.Contract))
            seen.AddRange((await resumed.ToEndAsync()).Select(f => $"{f.EventType} {f.Id} {f.RawData}"));

        using (var beyond = await LiveStream.SendAsync(Client, id, after: version + 5))
        {
            var problem = await beyond.Content.ReadFromJsonAsync<JsonElement>();
            seen.Add($"{beyond.StatusCode} {problem.GetProperty("type")} {problem.GetProperty("detail")} {problem.GetProperty("currentVersion")}");
        }

        using (var move = await Client.MoveAsync(id, game.Started.Token, ["left"]))
            seen.Add($"{move.StatusCode} {(await move.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type")}");
        using (var abandon = await Client.AbandonAsync(id, game.Started.Token))
            seen.Add($"{abandon.StatusCode} {(await abandon.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type")}");
        return seen;
    }

    /// <summary>A read's <c>data</c> (without the freshness around it), or its whole body.</summary>
    private async Task<string> DataAsync(string url)
    {
        using var response = await Client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        var root = JsonSerializer.Deserialize<JsonElement>(body);
        return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var data) ? data.GetRawText() : body;
    }

    private async Task<bool> IsArchivedAsync(Guid id)
    {
        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select is_archived from mt_streams where id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        return (bool)(await command.ExecuteScalarAsync())!;
    }
}
