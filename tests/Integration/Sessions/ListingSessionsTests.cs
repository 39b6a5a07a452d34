using System.Net;
using EventApi.Api.Features.Sessions;
using EventApi.Domain.Game;
using EventApi.Domain.Sessions;
using EventApi.Integration.Infrastructure;
using EventApi.Projections.Sessions;
using Marten;
using Marten.Linq;
using Npgsql;
using Weasel.Core;

namespace EventApi.Integration.Sessions;

/// <summary>GET /sessions: the sessions of one status, most recently changed first, read through an index.</summary>
public sealed class ListingSessionsTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task active_sessions_are_listed_most_recently_changed_first()
    {
        var (first, firstMove) = await Client.StartedSessionAsync(1);
        var (second, _) = await Client.StartedSessionAsync(2);
        var (third, _) = await Client.StartedSessionAsync(3);
        var moved = await Client.MoveOkAsync(first.Id, first.Token, firstMove);

        var listed = await Client.ListSessionsAsync();

        listed.Select(s => s.Id).ShouldBe([first.Id, third.Id, second.Id]);
        listed.Select(s => s.UpdatedAt).ShouldBe([moved.UpdatedAt, third.UpdatedAt, second.UpdatedAt]);
        (await Client.ListSessionsAsync("?status=active")).ShouldBe(listed);
    }

    [Fact]
    public async Task sessions_that_changed_at_the_same_moment_are_listed_by_id_descending()
    {
        var at = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(0, 4).Select(_ => Guid.CreateVersion7()).ToArray();
        await using (var writer = Api.Store.LightweightSession())
        {
            foreach (var id in ids)
                writer.Events.StartStream(id, SessionDecider.Decide(StartSession.Open(id, "tess", 7, null, at), SessionState.Initial).Events);
            await writer.SaveChangesAsync();
        }

        var listed = await Client.ListSessionsAsync();

        listed.Select(s => s.UpdatedAt).Distinct().ShouldHaveSingleItem();
        listed.Select(s => s.Id).ShouldBe(ids.OrderDescending());
    }

    [Fact]
    public async Task the_list_holds_20_sessions_by_default_and_at_most_the_limit()
    {
        var started = new List<Guid>();
        for (var i = 0; i < 22; i++) started.Add((await Client.StartAsync($"p{i}", seed: i)).Id);
        started.Reverse();

        (await Client.ListSessionsAsync()).Select(s => s.Id).ShouldBe(started.Take(20));
        (await Client.ListSessionsAsync("?limit=3")).Select(s => s.Id).ShouldBe(started.Take(3));
        (await Client.ListSessionsAsync("?limit=100")).Select(s => s.Id).ShouldBe(started);
        (await Client.ListSessionsAsync("?limit=1")).ShouldHaveSingleItem().Id.ShouldBe(started[0]);
    }

    [Fact]
    public async Task an_active_session_leaves_the_active_list_for_the_list_of_how_it_ended()
    {
        var stays = await Client.StartAsync("stella", seed: 5);
        var abandoned = await Client.StartAsync("abe", seed: 6);
        var over = await Client.StartAsync("otto", seed: 99);
        var game = Engine.Start(99, out _, out _);
        var toTheEnd = Moves.NamesOf(Moves.PlayRandom(ref game, new Random(3)));
        (await Client.ListSessionsAsync()).Select(s => s.Id).ShouldBe([over.Id, abandoned.Id, stays.Id]);

        await Client.AbandonOkAsync(abandoned.Id, abandoned.Token);
        (await Client.MoveOkAsync(over.Id, over.Token, toTheEnd)).Status.ShouldBe(SessionStatusName.Over);

        (await Client.ListSessionsAsync()).Select(s => s.Id).ShouldBe([stays.Id]);
        var ended = (await Client.ListSessionsAsync("?status=abandoned")).ShouldHaveSingleItem();
        (ended.Id, ended.Status).ShouldBe((abandoned.Id, SessionStatusName.Abandoned));
        var finished = (await Client.ListSessionsAsync("?status=over")).ShouldHaveSingleItem();
        (finished.Id, finished.Status, finished.MoveCount).ShouldBe((over.Id, SessionStatusName.Over, toTheEnd.Length));
    }

    [Fact]
    public async Task a_listed_session_shows_what_its_view_shows_and_nothing_private()
    {
        var callback = "https://hooks.invalid/2048?token=owner-only-credential";
        var open = await Client.StartAsync("olga", seed: 4242, callbackUrl: callback);
        var sealedOne = await Client.StartAsync("sam", seed: null);
        var view = await Client.MoveOkAsync(open.Id, open.Token, Moves.FirstValidThenNoOp(Engine.Start(4242, out _, out _)).Valid);

        using var response = await Client.GetAsync("/sessions");
        var body = await response.Content.ReadAsStringAsync();
        var listed = (await Client.ListSessionsAsync()).ToDictionary(s => s.Id);

        listed[open.Id].ShouldBe(new SessionListItem
        {
            Id = open.Id, Player = "olga", Status = SessionStatusName.Active, Score = view.Score, MaxTile = view.MaxTile,
            MoveCount = 1, Won = false, Sealed = false, Version = 2, StartedAt = open.StartedAt, UpdatedAt = view.UpdatedAt,
            Live = $"/sessions/{open.Id}/live",
        });
        (listed[sealedOne.Id].Sealed, listed[sealedOne.Id].Live).ShouldBe((true, $"/sessions/{sealedOne.Id}/live"));
        foreach (var secret in new[] { open.Token, sealedOne.Token, open.WebhookSecret!, "owner-only-credential", "hooks.invalid", "4242" })
            body.ShouldNotContain(secret);
        foreach (var field in new[] { "seed", "secret", "token", "callbackUrl", "webhookSecret", "board" })
            body.ShouldNotContain($"\"{field}\"");
    }

    [Theory]
    [InlineData("?status=finished", "status")]
    [InlineData("?status=Active", "status")]
    [InlineData("?status=", "status")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=101", "limit")]
    [InlineData("?status=1&limit=-1", "limit,status")]
    public async Task a_status_that_is_not_one_of_the_three_or_a_limit_out_of_range_is_a_validation_problem(string query, string named)
    {
        using var response = await Client.GetAsync($"/sessions{query}");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "urn:eventapi:problem:validation-failed");
        problem.Errors!.Keys.Order().ShouldBe(named.Split(','));
    }

    [Fact]
    public async Task the_list_is_read_through_the_status_and_updated_at_index_without_a_sort()
    {
        await WriteViewsAsync(3000);

        var plan = await PlanAsync(SessionStatus.Active);

        plan.ShouldContain($"Index Scan Backward using {SessionsFeature.SessionListIndex}", Case.Sensitive, plan);
        plan.ShouldNotContain("Sort", Case.Sensitive, plan);
        plan.ShouldNotContain("Filter", Case.Sensitive, plan);
    }

    [Fact]
    public async Task the_start_up_migration_creates_the_index_over_the_sessions_that_already_exist()
    {
        var existing = new[] { (await Client.StartAsync("ida", 1)).Id, (await Client.StartAsync("ivo", 2)).Id };
        await ExecuteAsync($"drop index {SessionsFeature.SessionListIndex}");
        (await Api.Store.Storage.Database.CreateMigrationAsync()).Difference.ShouldBe(SchemaPatchDifference.Update);

        // What ApplyAllDatabaseChangesOnStartup does when the API starts on a database of an earlier version.
        await Api.Store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        (await Api.Store.Storage.Database.CreateMigrationAsync()).Difference.ShouldBe(SchemaPatchDifference.None);
        (await PlanAsync(SessionStatus.Active)).ShouldContain($"using {SessionsFeature.SessionListIndex}");
        (await Client.ListSessionsAsync()).Select(s => s.Id).ShouldBe(existing.Reverse());
    }

    /// <summary>The plan PostgreSQL makes for the list's query, as Marten writes it, with sequential scans off so that
    /// a small table cannot make one look cheaper than the index.</summary>
    private async Task<string> PlanAsync(SessionStatus status)
    {
        await using var query = Api.Store.QuerySession();
        var command = ListSessionsEndpoint.Query(query, status, ListSessionsEndpoint.DefaultLimit).ToCommand();
        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var off = new NpgsqlCommand("set local enable_seqscan = off", connection, transaction))
            await off.ExecuteNonQueryAsync();
        await using var explain = new NpgsqlCommand("explain " + command.CommandText, connection, transaction);
        foreach (NpgsqlParameter parameter in command.Parameters) explain.Parameters.Add(parameter.Clone());
        var lines = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        return string.Join('\n', lines);
    }

    /// <summary><paramref name="count"/> session views, a sixth of them active, stored as documents (the planner needs
    /// rows, not games), and the table analysed.</summary>
    private async Task WriteViewsAsync(int count)
    {
        var at = DateTimeOffset.UtcNow;
        var statuses = new[] { SessionStatus.Active, SessionStatus.Over, SessionStatus.Over, SessionStatus.Over, SessionStatus.Abandoned, SessionStatus.Over };
        var views = Enumerable.Range(0, count).Select(i =>
        {
            var id = Guid.CreateVersion7();
            var state = SessionDecider.Fold(SessionDecider.Decide(StartSession.Open(id, $"p{i % 50}", (uint)i, null, at), SessionState.Initial).Events);
            return new SessionView { Id = id, Version = 1, State = state with { Status = statuses[i % statuses.Length], UpdatedAt = at.AddSeconds(i) } };
        }).ToList();
        await Api.Store.BulkInsertDocumentsAsync(views);
        await ExecuteAsync("analyze mt_doc_sessionview");
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
