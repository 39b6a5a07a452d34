using System.Net;
using EventApi.Api.Features.SideEffects;
using EventApi.Integration.Infrastructure;
using Marten;

namespace EventApi.Integration.SideEffects;

public sealed class WebhookTests(SideEffectsApiFactory api) : SideEffectsTest(api)
{
    [Fact]
    public async Task a_session_with_a_callback_gets_a_signed_webhook_for_its_milestone_and_its_end_in_stream_order()
    {
        var url = Receiver.UrlFor("signed");
        var started = await Client.SessionThatReached512Async("alice", url);
        started.WebhookSecret.ShouldNotBeNullOrEmpty();

        var expected = await Client.WebhookEventsAsync(started.Id);
        expected.Select(e => e.GetProperty("type").GetString()).ShouldBe(["milestone_reached", "session_abandoned"]);
        await WebhookReceiver.WaitUntilAsync(() => Receiver.Delivered("signed").Count == expected.Length, "both webhooks", SideEffectsTesting.Patience);

        var delivered = Receiver.Delivered("signed");
        delivered.Select(d => d.Json.GetProperty("version").GetInt64()).ShouldBe(expected.Select(e => e.GetProperty("version").GetInt64()));
        var view = await Client.GetSessionAsync(started.Id);
        foreach (var (webhook, e) in delivered.Zip(expected))
        {
            var body = webhook.Json;
            var version = e.GetProperty("version").GetInt64();
            body.GetProperty("type").GetString().ShouldBe(e.GetProperty("type").GetString());
            body.GetProperty("sessionId").GetGuid().ShouldBe(started.Id);
            body.GetProperty("timestamp").GetDateTimeOffset().ShouldBe(e.GetProperty("timestamp").GetDateTimeOffset());
            body.GetProperty("score").GetInt32().ShouldBe(e.GetProperty("data").TryGetProperty("score", out var score)
                ? score.GetInt32() : e.GetProperty("data").GetProperty("finalScore").GetInt32());
            body.GetProperty("maxTile").GetInt32().ShouldBe(512);
            body.EnumerateObject().Select(p => p.Name).ShouldBe(["type", "sessionId", "version", "score", "maxTile", "timestamp"]);
            webhook.IdempotencyKey.ShouldBe($"{started.Id:D}:{version}");
            webhook.ContentType.ShouldBe("application/json; charset=utf-8");
            webhook.IsSignedWith(started.WebhookSecret!).ShouldBeTrue(webhook.Signature);
            webhook.IsSignedWith(started.WebhookSecret! + "x").ShouldBeFalse();
        }

        delivered[^1].Json.GetProperty("score").GetInt32().ShouldBe(view.Score);
        Receiver.Requests("signed").Count.ShouldBe(expected.Length);
    }

    [Fact]
    public async Task a_session_without_a_callback_gets_no_webhook_secret_and_no_webhooks()
    {
        var started = await Client.StartAsync("bob", 12345);
        started.WebhookSecret.ShouldBeNull();
        (await Client.AbandonAsync(started.Id, started.Token)).EnsureSuccessStatusCode();

        await Api.WaitForProjectionsAsync();

        (await Api.SideEffectsOfAsync(started.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task every_session_has_its_own_webhook_secret_and_an_idempotent_retry_of_post_sessions_returns_it_again()
    {
        var url = Receiver.UrlFor("secrets");
        var first = await Client.StartAsync("carol", 1, url);
        var second = await Client.StartAsync("carol", 1, url);
        first.WebhookSecret.ShouldNotBe(second.WebhookSecret);
        first.WebhookSecret!.Length.ShouldBe(43);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/sessions")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { player = "carol", seed = 2, callbackUrl = url }),
        };
        request.Headers.Add("Idempotency-Key", "secret-replay");
        using var original = await Client.SendAsync(request);
        using var retry = new HttpRequestMessage(HttpMethod.Post, "/sessions")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { player = "carol", seed = 2, callbackUrl = url }),
        };
        retry.Headers.Add("Idempotency-Key", "secret-replay");
        using var replayed = await Client.SendAsync(retry);

        replayed.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        (await replayed.Content.ReadAsStringAsync()).ShouldBe(await original.Content.ReadAsStringAsync());
        (await original.Content.ReadAsStringAsync()).ShouldContain("\"webhookSecret\":\"");
        (await Database.CountRowsContaining(Api, first.WebhookSecret)).ShouldBe(0);
    }

    [Fact]
    public async Task a_receiver_that_fails_the_first_three_attempts_gets_every_webhook_of_every_game_once_on_the_fourth()
    {
        var url = Receiver.UrlFor("flaky", new Behaviour.FailFirst(3));
        var games = new List<Guid>();
        for (var i = 0; i < 3; i++) games.Add((await Client.AbandonedSessionAsync($"player{i}", url, seed: (uint)(100 + i))).Id);
        games.Add((await Client.SessionThatReached512Async("dave", url)).Id);

        var expected = new List<string>();
        foreach (var game in games)
            expected.AddRange((await Client.WebhookEventsAsync(game)).Select(e => $"{game:D}:{e.GetProperty("version").GetInt64()}"));
        expected.Count.ShouldBe(5);
        await WebhookReceiver.WaitUntilAsync(() => Receiver.Delivered("flaky").Count == expected.Count, "every webhook", SideEffectsTesting.Patience);

        var requests = Receiver.Requests("flaky");
        Receiver.Delivered("flaky").Select(d => d.IdempotencyKey).ShouldBe(expected, ignoreOrder: true);
        foreach (var key in expected)
        {
            var attempts = requests.Where(r => r.IdempotencyKey == key).ToArray();
            attempts.Length.ShouldBe(4, key);
            attempts.Select(a => a.AnsweredStatus).ShouldBe([500, 500, 500, 200], key);
            attempts.Select(a => a.Body).Distinct().Count().ShouldBe(1, key);
            attempts.Select(a => a.Signature).Distinct().Count().ShouldBe(1, key);
        }

        foreach (var game in games)
        {
            var webhooks = (await Api.WaitForSideEffectsAsync(game, game == games[^1] ? 3 : 1, SideEffectStatus.Delivered))
                .Where(s => s.Kind == SideEffectKind.Webhook).ToArray();
            webhooks.ShouldAllBe(s => s.Attempts == 3 && s.FirstFailureAt != null && s.LastError!.Contains("500"));
        }
    }

    [Fact]
    public async Task a_receiver_that_always_answers_500_gets_a_dead_letter_after_the_maximum_attempts_and_a_replay_delivers_it_and_what_waited_in_order()
    {
        var url = Receiver.UrlFor("broken", new Behaviour.Always(500));
        var started = await Client.SessionThatReached512Async("erin", url);
        var (milestone, end) = await Client.MilestoneAndEndWebhooksAsync(started.Id);

        var deadLetter = await Api.WaitForStatusAsync(milestone, SideEffectStatus.DeadLettered);
        var waiting = await Api.WaitForStatusAsync(end, SideEffectStatus.Waiting);
        deadLetter.Attempts.ShouldBe(SideEffectsApiFactory.MaxAttempts);
        Receiver.Requests("broken").Count.ShouldBe(SideEffectsApiFactory.MaxAttempts);
        Receiver.Requests("broken").ShouldAllBe(r => r.IdempotencyKey == deadLetter.IdempotencyKey);
        waiting.Attempts.ShouldBe(0);

        var list = await Client.GetAdminJsonAsync($"/admin/dead-letters?sessionId={started.Id}");
        list.GetProperty("total").GetInt32().ShouldBe(1);
        var item = list.GetProperty("deadLetters")[0];
        item.GetProperty("id").GetString().ShouldBe(milestone);
        item.GetProperty("messageType").GetString().ShouldBe("webhook");
        item.GetProperty("eventType").GetString().ShouldBe("milestone_reached");
        item.GetProperty("attempts").GetInt32().ShouldBe(SideEffectsApiFactory.MaxAttempts);
        item.GetProperty("firstFailureAt").GetDateTimeOffset().ShouldBeLessThan(item.GetProperty("lastFailureAt").GetDateTimeOffset());
        item.GetProperty("lastError").GetString()!.ShouldContain("500");
        item.GetProperty("exceptionType").GetString().ShouldBe(typeof(WebhookRejectedException).FullName);
        item.GetProperty("waitingBehind").GetInt32().ShouldBe(1);
        (await Client.GetAdminJsonAsync("/admin/dead-letters?exceptionType=WebhookRejectedException")).GetProperty("total").GetInt32().ShouldBe(1);
        (await Client.GetAdminJsonAsync("/admin/dead-letters?exceptionType=TimeoutException")).GetProperty("total").GetInt32().ShouldBe(0);
        (await Client.GetAdminJsonAsync("/admin/dead-letters?messageType=achievement")).GetProperty("total").GetInt32().ShouldBe(0);

        var summary = await Client.GetAdminJsonAsync("/admin/side-effects");
        summary.GetProperty("counts").GetProperty("deadLettered").GetInt64().ShouldBe(1);
        summary.GetProperty("counts").GetProperty("waiting").GetInt64().ShouldBe(1);

        Receiver.Behave("broken", Behaviour.Succeed);
        var replay = await Client.SendAdminJsonAsync(HttpMethod.Post, $"/admin/dead-letters/{milestone}/replay", HttpStatusCode.Accepted);
        replay.GetProperty("replayed").GetInt32().ShouldBe(1);

        await Api.WaitForStatusAsync(end, SideEffectStatus.Delivered);
        var delivered = Receiver.Delivered("broken");
        delivered.Select(d => d.IdempotencyKey).ShouldBe([deadLetter.IdempotencyKey, waiting.IdempotencyKey]);
        (await Api.WaitForStatusAsync(milestone, SideEffectStatus.Delivered)).Replays.ShouldBe(1);
        (await Client.GetAdminJsonAsync("/admin/dead-letters")).GetProperty("total").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task a_410_gone_is_a_dead_letter_at_once_and_discarding_it_releases_what_waited()
    {
        var url = Receiver.UrlFor("gone", new Behaviour.Always(410));
        var started = await Client.SessionThatReached512Async("frank", url);
        var (milestone, end) = await Client.MilestoneAndEndWebhooksAsync(started.Id);

        var deadLetter = await Api.WaitForStatusAsync(milestone, SideEffectStatus.DeadLettered);
        var waiting = await Api.WaitForStatusAsync(end, SideEffectStatus.Waiting);
        deadLetter.Attempts.ShouldBe(1);
        deadLetter.LastError!.ShouldContain("410");
        Receiver.Requests("gone").Count.ShouldBe(1);

        Receiver.Behave("gone", Behaviour.Succeed);
        var discarded = await Client.SendAdminJsonAsync(HttpMethod.Delete, $"/admin/dead-letters/{milestone}", HttpStatusCode.OK);
        discarded.GetProperty("status").GetString().ShouldBe("discarded");
        discarded.GetProperty("released").GetInt32().ShouldBe(1);

        await Api.WaitForStatusAsync(end, SideEffectStatus.Delivered);
        var gaveUp = await Api.WaitForStatusAsync(milestone, SideEffectStatus.Discarded);
        gaveUp.DeliveredAt.ShouldBeNull();
        gaveUp.DiscardedAt.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(gaveUp.DeadLetteredAt!.Value);
        Receiver.Delivered("gone").Select(d => d.IdempotencyKey).ShouldBe([waiting.IdempotencyKey]);

        using var again = await Client.SendAdminAsync(HttpMethod.Delete, $"/admin/dead-letters/{milestone}");
        await again.ShouldBeProblemAsync(HttpStatusCode.NotFound, "urn:eventapi:problem:dead-letter-not-found");
    }

    [Fact]
    public async Task a_session_whose_receiver_is_down_does_not_delay_another_sessions_webhooks()
    {
        var down = await Client.AbandonedSessionAsync("grace", WebhookReceiver.DownUrl());
        var upUrl = Receiver.UrlFor("up");
        var first = SideEffect.IdFor(down.Id, 2, SideEffectKind.Webhook);

        // A has failed at least once, so its retries are under way, when B's session starts.
        await WebhookReceiver.WaitUntilAsync(async () =>
        {
            await using var query = Api.Store.QuerySession();
            return (await query.LoadAsync<SideEffect>(first))?.Attempts >= 1;
        }, "session A's first failure", SideEffectsTesting.Patience);
        var up = await Client.AbandonedSessionAsync("heidi", upUrl);

        await WebhookReceiver.WaitUntilAsync(() => Receiver.Delivered("up").Count == 1, "session B's webhook", SideEffectsTesting.Patience);
        var stillDown = (await Api.SideEffectsOfAsync(down.Id)).Single();
        stillDown.Status.ShouldBeOneOf(SideEffectStatus.Pending, SideEffectStatus.DeadLettered);
        // The receiver has the webhook before the dispatcher commits its outcome: wait for the record, not the receipt.
        await Api.WaitForStatusAsync(SideEffect.IdFor(up.Id, 2, SideEffectKind.Webhook), SideEffectStatus.Delivered);

        var deadLetter = await Api.WaitForStatusAsync(first, SideEffectStatus.DeadLettered);
        deadLetter.ExceptionType.ShouldBe(typeof(HttpRequestException).FullName);
        deadLetter.Attempts.ShouldBe(SideEffectsApiFactory.MaxAttempts);
    }
}
