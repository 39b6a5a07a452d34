using System.Net;
using EventApi.Api.Infrastructure.RateLimiting;
using EventApi.Integration.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EventApi.Integration.RateLimits;

/// <summary>Each limit answers 429 with Retry-After past it, and lets requests through again once it has recovered.</summary>
[Collection(RateLimitsCollection.Name)]
public sealed class RateLimitTests(RateLimitsApiFactory api) : ApiTest(api)
{
    private const string TooManyRequests = "urn:eventapi:problem:too-many-requests";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private new RateLimitsApiFactory Api => (RateLimitsApiFactory)base.Api;

    [Fact]
    public async Task starting_sessions_past_the_limit_answers_429_with_retry_after_and_recovers()
    {
        using var client = Api.ClientFrom("192.0.2.1");
        for (var i = 0; i < RateLimitsApiFactory.SessionStarts; i++) await client.StartAsync();

        using var refused = await client.PostAsync("/sessions", SessionsClient.RawJson("""{"player":"alice"}"""));

        await ShouldBeRefusedAsync(refused, "sessions were started");
        await WaitUntilAcceptedAsync(() => client.PostAsync("/sessions", SessionsClient.RawJson("""{"player":"alice"}""")),
            HttpStatusCode.Created, "a session start once the bucket has a permit again");
    }

    [Fact]
    public async Task each_client_address_has_its_own_session_start_limit_and_an_ipv6_client_its_64()
    {
        using var first = Api.ClientFrom("2001:db8:1:1::1");
        using var sameNetwork = Api.ClientFrom("2001:db8:1:1::2");
        using var other = Api.ClientFrom("2001:db8:1:2::1");
        for (var i = 0; i < RateLimitsApiFactory.SessionStarts; i++) await first.StartAsync();

        using var refused = await sameNetwork.PostAsync("/sessions", SessionsClient.RawJson("""{"player":"bob"}"""));
        await ShouldBeRefusedAsync(refused, "sessions were started");
        await other.StartAsync("carol");
    }

    [Fact]
    public async Task submitting_claims_past_the_limit_answers_429_with_retry_after_and_recovers()
    {
        using var client = Api.ClientFrom("192.0.2.2");
        var game = Scenarios.FinishedOfflineGame(12345, 1);
        for (var i = 0; i < RateLimitsApiFactory.Claims; i++) await client.ClaimVerifiedAsync(game);

        using var refused = await client.ClaimAsync(game.Seed, game.Moves, game.Game.Score);

        await ShouldBeRefusedAsync(refused, "claims were submitted");
        await WaitUntilAcceptedAsync(() => client.ClaimAsync(game.Seed, game.Moves, game.Game.Score),
            HttpStatusCode.Created, "a claim once the bucket has a permit again");
    }

    [Fact]
    public async Task after_too_many_failed_token_attempts_a_session_answers_429_even_to_its_token_until_the_window_ends()
    {
        using var client = Api.ClientFrom("192.0.2.5");
        var session = await client.StartAsync();
        var other = await client.StartAsync("bob");
        using (var wrong = await client.MoveAsync(session.Id, other.Token, ["left"]))
            await wrong.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "urn:eventapi:problem:invalid-token");
        using (var missing = await client.AbandonAsync(session.Id, token: null))
            await missing.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "urn:eventapi:problem:missing-token");

        using (var refused = await client.MoveAsync(session.Id, session.Token, ["left"]))
            await ShouldBeRefusedAsync(refused, "missing or wrong token");
        using (var refusedAbandon = await client.AbandonAsync(session.Id, other.Token))
            await ShouldBeRefusedAsync(refusedAbandon, "missing or wrong token");

        await client.MoveOkAsync(other.Id, other.Token, "left");
        await WaitUntilAcceptedAsync(() => client.MoveAsync(session.Id, session.Token, ["left"]),
            HttpStatusCode.OK, "the session's own token once the window has ended");
        (await client.GetSessionAsync(session.Id)).Version.ShouldBe(2);
    }

    [Fact]
    public async Task claims_past_the_verification_limit_and_its_queue_answer_429_and_the_queued_one_is_verified()
    {
        var limiter = Api.Services.GetRequiredService<ClaimVerificationLimit>().Limiter!;
        var game = Scenarios.FinishedOfflineGame(777, 2);
        using var busy = await limiter.AcquireAsync(1);
        busy.IsAcquired.ShouldBeTrue();

        using var queuedClient = Api.ClientFrom("192.0.2.3");
        var queued = queuedClient.ClaimAsync(game.Seed, game.Moves, game.Game.Score);
        await WebhookReceiver.WaitUntilAsync(() => queued.IsCompleted || limiter.GetStatistics()!.CurrentQueuedCount == 1,
            "the first claim to wait for the verification limit", Patience);
        using var refusedClient = Api.ClientFrom("192.0.2.4");
        using (var refused = await refusedClient.ClaimAsync(game.Seed, game.Moves, game.Game.Score))
            await ShouldBeRefusedAsync(refused, "verifying as many claims");

        busy.Dispose();
        using var verified = await queued;
        verified.StatusCode.ShouldBe(HttpStatusCode.Created, await verified.Content.ReadAsStringAsync());
    }

    private static async Task ShouldBeRefusedAsync(HttpResponseMessage response, string why)
    {
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, TooManyRequests);
        problem.Detail.ShouldNotBeNull().ShouldContain(why);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        retryAfter.ShouldNotBeNull("429 without Retry-After in seconds");
        retryAfter.Value.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
    }

    /// <summary>Sends the request until it is answered <paramref name="status"/>, while it is refused with 429.</summary>
    private static async Task WaitUntilAcceptedAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode status, string what)
    {
        HttpStatusCode last = 0;
        await WebhookReceiver.WaitUntilAsync(async () =>
        {
            using var response = await send();
            last = response.StatusCode;
            if (last is not HttpStatusCode.TooManyRequests)
                last.ShouldBe(status, await response.Content.ReadAsStringAsync());
            return last == status;
        }, what, Patience);
    }
}
