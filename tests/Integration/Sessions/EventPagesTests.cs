using System.Net;
using System.Text.Json;
using EventApi.Integration.Infrastructure;
using Marten;

namespace EventApi.Integration.Sessions;

/// <summary>GET /sessions/{id}/events a page at a time: after a version, at most a limit, with a Link to the next page.</summary>
public sealed class EventPagesTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task events_page_links_to_the_next_page_until_the_last()
    {
        var game = await Client.PlayedSessionAsync("paula", seed: 31, randomSeed: 5, batch: Scenarios.OneRequest);
        var id = game.Started.Id;
        var version = game.Final.Version;
        version.ShouldBeGreaterThan(100);

        var pages = await Client.GetEventPagesAsync($"/sessions/{id}/events?limit=7");

        pages.Count.ShouldBe((int)((version + 6) / 7));
        for (var p = 0; p < pages.Count; p++)
        {
            var last = p == pages.Count - 1;
            pages[p].Events.Length.ShouldBe(last ? (int)(version - 7 * p) : 7);
            pages[p].Next.ShouldBe(last ? null : $"/sessions/{id}/events?after={7 * (p + 1)}&limit=7");
            pages[p].ETag.ShouldBe($"\"{version}\"");
        }

        // Page by page is the whole stream, each event once, in version order, as the store holds it and as one page shows it.
        var paged = pages.SelectMany(p => p.Events).ToArray();
        paged.Select(e => e.GetProperty("version").GetInt64()).ShouldBe(Enumerable.Range(1, (int)version).Select(v => (long)v));
        await using var query = Api.Store.QuerySession();
        var stored = await query.Events.FetchStreamAsync(id);
        paged.Select(e => e.GetProperty("sequence").GetInt64()).ShouldBe(stored.Select(e => e.Sequence));
        var whole = await Client.GetEventsPageAsync($"/sessions/{id}/events?limit=5000");
        whole.Next.ShouldBeNull();
        paged.Select(e => e.GetRawText()).ShouldBe(whole.Events.Select(e => e.GetRawText()));
    }

    [Fact]
    public async Task a_page_that_ends_with_the_stream_has_no_next_link_even_when_full()
    {
        var (started, valid) = await Client.StartedSessionAsync();
        await Client.MoveOkAsync(started.Id, started.Token, valid);
        await Client.AbandonOkAsync(started.Id, started.Token);

        var full = await Client.GetEventsPageAsync($"/sessions/{started.Id}/events?after=1&limit=2");
        full.Events.Select(e => e.GetProperty("type").GetString()).ShouldBe(["tiles_moved", "session_abandoned"]);
        full.Next.ShouldBeNull();

        var first = await Client.GetEventsPageAsync($"/sessions/{started.Id}/events?limit=2");
        first.Next.ShouldBe($"/sessions/{started.Id}/events?after=2&limit=2");
    }

    [Fact]
    public async Task a_poller_after_the_last_version_gets_an_empty_page_then_only_what_is_new()
    {
        var (started, valid) = await Client.StartedSessionAsync();

        foreach (var after in new[] { 1, 2, 1000 })
        {
            var page = await Client.GetEventsPageAsync($"/sessions/{started.Id}/events?after={after}");
            page.Body.ShouldBe("[]");
            (page.Next, page.ETag).ShouldBe((null, "\"1\""));
        }

        await Client.MoveOkAsync(started.Id, started.Token, valid);
        var news = await Client.GetEventsPageAsync($"/sessions/{started.Id}/events?after=1");
        news.Events.ShouldHaveSingleItem().GetProperty("version").GetInt64().ShouldBe(2);
        (news.Next, news.ETag).ShouldBe((null, "\"2\""));
    }

    [Theory]
    [InlineData("after=-1", "after")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=-3", "limit")]
    [InlineData("limit=5001", "limit")]
    [InlineData("after=-5&limit=5001", "after,limit")]
    public async Task an_after_or_a_limit_out_of_range_is_a_validation_problem_naming_it(string query, string named)
    {
        var (started, _) = await Client.StartedSessionAsync();

        using var response = await Client.GetAsync($"/sessions/{started.Id}/events?{query}");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "urn:eventapi:problem:validation-failed");
        problem.Errors!.Keys.Order().ShouldBe(named.Split(','));
    }

    [Theory]
    [InlineData("limit=1")]
    [InlineData("limit=5000")]
    [InlineData("after=0")]
    public async Task the_bounds_of_after_and_limit_are_allowed(string query)
    {
        var (started, _) = await Client.StartedSessionAsync();

        var page = await Client.GetEventsPageAsync($"/sessions/{started.Id}/events?{query}");

        page.Events.ShouldHaveSingleItem().GetProperty("type").GetString().ShouldBe("session_started");
    }

    [Fact]
    public async Task a_sealed_sessions_first_page_shows_its_secret_only_once_a_later_page_has_ended_it()
    {
        var game = await Client.PlayedSealedSessionAsync("sigrid", moves: 4);
        var id = game.Started.Id;

        var start = (await Client.GetEventsPageAsync($"/sessions/{id}/events?limit=1")).Events.ShouldHaveSingleItem();
        start.GetProperty("data").GetProperty("secret").ValueKind.ShouldBe(JsonValueKind.Null);

        var ended = await Client.AbandonOkAsync(id, game.Started.Token);
        var first = await Client.GetEventsPageAsync($"/sessions/{id}/events?limit=1");
        first.Events.ShouldHaveSingleItem().GetProperty("data").GetProperty("secret").GetString().ShouldBe(ended.Secret);
        first.Next.ShouldBe($"/sessions/{id}/events?after=1&limit=1");
    }
}
