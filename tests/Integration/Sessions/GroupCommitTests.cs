using System.Net;
using System.Net.Http.Json;
using EventApi.Api.Features.Sessions;
using EventApi.Api.Features.Sessions.Committing;
using EventApi.Domain.Game;
using EventApi.Domain.Sessions;
using EventApi.Integration.Infrastructure;
using EventApi.Projections.Sessions;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EventApi.Integration.Sessions;

/// <summary>The API with one session writer: the commands that wait while it commits a group make the next group.</summary>
public sealed class OneWriterApiFactory : ApiFactory
{
    protected override IDictionary<string, string?> Settings(IDictionary<string, string?> defaults)
    {
        defaults["EventApi:Sessions:Writers"] = "1";
        return defaults;
    }
}

[CollectionDefinition(Name)]
public sealed class OneWriterCollection : ICollectionFixture<OneWriterApiFactory>
{
    public const string Name = "api with one session writer";
}

/// <summary>Commands on different sessions that arrive together are read in one round trip and committed in one
/// transaction (<see cref="SessionWriter"/>); a lost race in a group never fails the others.</summary>
[Collection(OneWriterCollection.Name)]
public sealed class GroupCommitTests(OneWriterApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task moves_on_different_sessions_sent_together_are_committed_in_groups_each_with_its_own_answer()
    {
        var sessions = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => SessionAsync((uint)(100 + i))));
        using var measured = new Measurements(Api, SessionWriter.MeterName);

        var answers = await Together.SendAsync([.. sessions.Select(s => (Func<Task<HttpResponseMessage>>)(() =>
            Client.MoveAsync(s.Started.Id, s.Started.Token, [s.Move])))]);

        for (var i = 0; i < sessions.Length; i++)
        {
            answers[i].Status.ShouldBe(HttpStatusCode.OK, answers[i].Body);
            answers[i].ETag.ShouldBe("\"2\"");
            (await Client.GetSessionAsync(sessions[i].Started.Id)).Version.ShouldBe(2);
        }

        GroupSizes(measured).Sum().ShouldBe(sessions.Length);
        GroupSizes(measured).Max().ShouldBeGreaterThan(1, $"groups: {string.Join(", ", GroupSizes(measured))}");
    }

    [Fact]
    public async Task a_group_whose_commit_loses_a_race_on_one_session_commits_the_others_and_answers_every_one()
    {
        var blocker = await SessionAsync(7);
        var raced = await SessionAsync(8);
        var others = await Task.WhenAll(SessionAsync(9), SessionAsync(10));
        using var measured = new Measurements(Api, SessionWriter.MeterName);

        // The writer's first group (the blocker's move) waits on a lock the test holds, while the next commands queue up.
        await using var holdBlocker = await LockStreamAsync(blocker.Started.Id);
        var blocked = Client.MoveAsync(blocker.Started.Id, blocker.Started.Token, [blocker.Move]);
        await WaitForLockWaitsAsync(1);
        await using var race = Api.Store.LightweightSession();
        await race.BeginTransactionAsync(CancellationToken.None);
        await race.AdvancedSql.QueryAsync<int>("select 1 from mt_streams where id = ? for update", CancellationToken.None, raced.Started.Id);
        var queued = new[] { raced, others[0], others[1] }
            .Select(s => Client.MoveAsync(s.Started.Id, s.Started.Token, [s.Move])).ToArray();
        var writer = Api.Services.GetRequiredService<SessionWriter>();
        await WaitUntilAsync(() => writer.Waiting == 3, "the three moves to wait for the next group");
        await holdBlocker.DisposeAsync();
        (await blocked).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The next group (the three queued moves) read their sessions and wait on the raced session's lock; another
        // command then appends to that session first: the group's commit loses the race.
        await WaitForLockWaitsAsync(1);
        race.Events.Append(raced.Started.Id, new MilestoneReached(4, 0, 0, DateTimeOffset.UtcNow));
        await race.SaveChangesAsync();

        foreach (var answer in await Task.WhenAll(queued))
        {
            answer.StatusCode.ShouldBe(HttpStatusCode.OK, await answer.Content.ReadAsStringAsync());
        }

        GroupSizes(measured).ShouldContain(3, $"groups: {string.Join(", ", GroupSizes(measured))}");
        foreach (var other in others) (await Client.GetSessionAsync(other.Started.Id)).Version.ShouldBe(2);
        // Alone, the raced move was decided on the session as the other command left it, and appended after it.
        await using var query = Api.Store.QuerySession();
        var stream = await query.Events.FetchStreamAsync(raced.Started.Id);
        stream.Select(e => e.Data.GetType()).ShouldBe([typeof(SessionStarted), typeof(MilestoneReached), typeof(TilesMoved)]);
        (await Client.GetSessionAsync(raced.Started.Id)).Version.ShouldBe(3);
    }

    /// <summary>A session started on <paramref name="seed"/>, and a move that moves something from its start.</summary>
    private async Task<(StartedSessionResponse Started, string Move)> SessionAsync(uint seed)
    {
        var started = await Client.StartAsync(seed: seed);
        var board = Engine.Start(seed, out _, out _).Board;
        return (started, Moves.NameOf(Enumerable.Range(0, 4).Select(d => (Direction)d).First(d => Moves.MovesSomething(board, d))));
    }

    /// <summary>A transaction of the test's own that holds the session's stream row, until disposed.</summary>
    private async Task<NpgsqlTransaction> LockStreamAsync(Guid id)
    {
        var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("select 1 from mt_streams where id = @id for update", connection, transaction);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteScalarAsync();
        return transaction;
    }

    /// <summary>Waits until this many of the API's statements wait for a lock.</summary>
    private async Task WaitForLockWaitsAsync(int count)
    {
        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'", connection);
        await WaitUntilAsync(async () => (long)(await command.ExecuteScalarAsync())! >= count, $"{count} statements waiting on a lock");
    }

    private static Task WaitUntilAsync(Func<bool> fact, string what) => WebhookReceiver.WaitUntilAsync(fact, what, DaemonTesting.Patience);

    private static Task WaitUntilAsync(Func<Task<bool>> fact, string what) => WebhookReceiver.WaitUntilAsync(fact, what, DaemonTesting.Patience);

    /// <summary>The sizes of the groups the session writer committed while <paramref name="measured"/> listened.</summary>
    private static IReadOnlyList<int> GroupSizes(Measurements measured) =>
        [.. measured.Values("eventapi.sessions.commit_group").Select(v => (int)v)];
}
