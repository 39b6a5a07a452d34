using System.Net;
using System.Net.Http.Json;
using EventApi.Api.Features.Sessions;
using EventApi.Integration.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace EventApi.Integration.Sessions;

public sealed class IdempotencyTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task retrying_a_move_with_the_same_key_returns_the_first_response_and_appends_nothing()
    {
        var (started, valid) = await Client.StartedSessionAsync();
        var key = Guid.NewGuid().ToString();

        using var first = await Client.MoveAsync(started.Id, started.Token, [valid], idempotencyKey: key);
        using var retry = await Client.MoveAsync(started.Id, started.Token, [valid], idempotencyKey: key);

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        retry.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await retry.Content.ReadAsStringAsync()).ShouldBe(await first.Content.ReadAsStringAsync());
        retry.Headers.ETag.ShouldBe(first.Headers.ETag);
        retry.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        (await Client.GetSessionAsync(started.Id)).Version.ShouldBe(2);
    }

    [Fact]
    public async Task a_retry_that_spells_the_session_id_in_upper_case_is_still_the_same_request()
    {
        var (started, valid) = await Client.StartedSessionAsync();
        var key = Guid.NewGuid().ToString();
        using var first = await Client.MoveAsync(started.Id, started.Token, [valid], idempotencyKey: key);
        first.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/sessions/{started.Id.ToString().ToUpperInvariant()}/moves")
        {
            Content = JsonContent.Create(new { moves = new[] { valid } }, options: SessionsClient.Json),
        };
        request.Headers.Authorization = new("Bearer", started.Token);
        request.Headers.Add("Idempotency-Key", key);
        using var retry = await Client.SendAsync(request);

        retry.StatusCode.ShouldBe(HttpStatusCode.OK);
        retry.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        (await Client.GetSessionAsync(started.Id)).Version.ShouldBe(2);
    }

    [Fact]
    public async Task the_same_key_with_a_different_body_is_422_and_appends_nothing()
    {
        var (started, valid) = await Client.StartedSessionAsync();
        var key = Guid.NewGuid().ToString();
        using var first = await Client.MoveAsync(started.Id, started.Token, [valid], idempotencyKey: key);
        first.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var reused = await Client.MoveAsync(started.Id, started.Token, ["left", "right"], idempotencyKey: key);

        await reused.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "urn:eventapi:problem:idempotency-key-reused");
        (await Client.GetSessionAsync(started.Id)).Version.ShouldBe(2);
    }

    [Fact]
    public async Task retrying_a_start_with_the_same_key_returns_the_same_session_and_token_and_starts_no_other()
    {
        var key = Guid.NewGuid().ToString();
        async Task<HttpResponseMessage> Start(object body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/sessions") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            return await Client.SendAsync(request);
        }

        using var first = await Start(new { player = "alice" });
        using var retry = await Start(new { player = "alice" });

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        retry.StatusCode.ShouldBe(HttpStatusCode.Created);
        retry.Headers.Location.ShouldBe(first.Headers.Location);
        var a = (await first.Content.ReadFromJsonAsync<StartedSessionResponse>(SessionsClient.Json))!;
        var b = (await retry.Content.ReadFromJsonAsync<StartedSessionResponse>(SessionsClient.Json))!;
        b.ShouldBeEquivalentTo(a);
        await using var query = Api.Store.QuerySession();
        (await query.Query<EventApi.Projections.Sessions.SessionView>().CountAsync()).ShouldBe(1);

        using var other = await Start(new { player = "bob" });
        await other.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "urn:eventapi:problem:idempotency-key-reused");
    }

    [Fact]
    public async Task concurrent_retries_with_one_key_append_once_and_all_get_the_first_response()
    {
        var (started, valid) = await Client.StartedSessionAsync();
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            using var response = await Client.MoveAsync(started.Id, started.Token, [valid], idempotencyKey: key);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        responses.Select(r => r.Body).Distinct().Count().ShouldBe(1);
        (await Client.GetSessionAsync(started.Id)).Version.ShouldBe(2);
    }

    [Fact]
    public async Task the_stored_response_does_not_hold_the_token_in_clear()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/sessions") { Content = JsonContent.Create(new { player = "alice" }) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await Client.SendAsync(request);
        var started = (await response.Content.ReadFromJsonAsync<StartedSessionResponse>(SessionsClient.Json))!;

        (await Database.CountRowsContaining(Api, started.Token)).ShouldBe(0);
    }
}

public sealed class IdempotencySweeperTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task the_sweeper_deletes_expired_keys_and_keeps_live_ones()
    {
        await using (var session = Api.Store.LightweightSession())
        {
            var now = DateTimeOffset.UtcNow;
            session.Store(
                new EventApi.Api.Infrastructure.Idempotency.IdempotencyRecord { Id = "expired", CreatedAt = now.AddDays(-3), ExpiresAt = now.AddDays(-1) },
                new EventApi.Api.Infrastructure.Idempotency.IdempotencyRecord { Id = "live", CreatedAt = now, ExpiresAt = now.AddDays(2) });
            await session.SaveChangesAsync();
        }

        var sweeper = Api.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>()
            .OfType<EventApi.Api.Infrastructure.Idempotency.IdempotencySweeper>().Single();
        await sweeper.SweepAsync(CancellationToken.None);

        await using var query = Api.Store.QuerySession();
        (await query.LoadAsync<EventApi.Api.Infrastructure.Idempotency.IdempotencyRecord>("expired")).ShouldBeNull();
        (await query.LoadAsync<EventApi.Api.Infrastructure.Idempotency.IdempotencyRecord>("live")).ShouldNotBeNull();
    }
}
