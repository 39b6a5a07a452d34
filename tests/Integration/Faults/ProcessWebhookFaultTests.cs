using System.Net;
using System.Net.Http.Json;
using EventApi.Api.Features.Sessions;
using EventApi.Integration.Infrastructure;

namespace EventApi.Integration.Faults;

/// <summary>Webhooks through the faults only a real process shows: the API killed with SIGKILL while deliveries are
/// in flight, PostgreSQL stopped and started during a burst. Nothing acknowledged is lost; a redelivery carries the
/// same Idempotency-Key.</summary>
[Collection(ProcessFaultTests.Name)]
public sealed class ProcessWebhookFaultTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    // A deadline, not a wait: the test goes on as soon as the webhooks are there (about 13 s on a quiet machine).
    private static readonly TimeSpan DeliveryPatience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task every_webhook_arrives_when_the_api_is_killed_with_sigkill_while_deliveries_are_in_flight()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // Every delivery fails once first, so retries are scheduled (durably) when the process dies.
        var url = receiver.UrlFor("sigkill", new Behaviour.FailFirst(1));
        await using var api = new ApiProcess(Settings(await PostgresServer.CreateDatabaseAsync("eventapi_sigkill_webhooks")));
        await api.StartAsync(StartTimeout);

        var expected = new List<string>();
        for (var i = 0; i < 6; i++) expected.Add(await PlayToTheEnd(api.Client, url, (uint)(100 + i), abandon: i % 2 == 1));
        // Deliveries are in flight: the last game ended milliseconds ago, and every first attempt fails.
        receiver.Delivered("sigkill").Count.ShouldBeLessThan(expected.Count);
        await api.KillAsync();
        await api.StartAsync(StartTimeout);

        await WaitForWebhooks(
            () => expected.All(key => receiver.Delivered("sigkill").Any(w => w.IdempotencyKey == key)),
            "every session's final webhook after the restart", DeliveryPatience, receiver, api);
        receiver.Delivered("sigkill").Select(w => w.IdempotencyKey).ShouldBe(expected, ignoreOrder: true);
        // Every request for a key, duplicates included, carried that key and the same body.
        foreach (var deliveries in receiver.Requests("sigkill").GroupBy(w => w.IdempotencyKey))
            deliveries.Select(w => w.Body).Distinct().Count().ShouldBe(1);
    }

    /// <summary>
    /// A process started after one was killed with SIGKILL runs the daemon, and delivers, within seconds: the killed
    /// node's heartbeat goes stale (EventApi:Cluster:NodeTimeout) and the new node, the only one alive, takes every shard.
    /// </summary>
    [Fact]
    public async Task a_process_started_after_a_sigkill_delivers_within_seconds()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var url = receiver.UrlFor("restart");
        var database = await PostgresServer.CreateDatabaseAsync("eventapi_sigkill_restart");
        await using var api = new ApiProcess(Settings(database));
        await api.StartAsync(StartTimeout);
        // The daemon runs on this process once a webhook has arrived.
        var first = await PlayToTheEnd(api.Client, url, 200, abandon: true);
        await WaitForWebhooks(() => receiver.Delivered("restart").Any(w => w.IdempotencyKey == first), "the first webhook",
            DeliveryPatience, receiver, api);
        await api.KillAsync();
        await api.StartAsync(StartTimeout);

        var second = await PlayToTheEnd(api.Client, url, 201, abandon: true);
        await WaitForWebhooks(() => receiver.Delivered("restart").Any(w => w.IdempotencyKey == second),
            "the webhook of a game played after the restart", TimeSpan.FromSeconds(20), receiver, api);
    }

    [Fact]
    public async Task webhooks_of_every_acknowledged_game_arrive_when_postgresql_stops_and_starts_during_a_burst()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var url = receiver.UrlFor("burst");
        await using var postgres = await DedicatedPostgres.StartAsync();
        await using var api = new ApiProcess(Settings(postgres.ConnectionString));
        await api.StartAsync(StartTimeout);

        var acknowledged = new List<string>();
        for (var i = 0; i < 4; i++) acknowledged.Add(await PlayToTheEnd(api.Client, url, (uint)(200 + i), abandon: false));

        await postgres.StopAsync();
        using (var during = await api.Client.PostAsJsonAsync("/sessions", new { player = "during", seed = 1, callbackUrl = url }))
            await during.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "urn:eventapi:problem:database-unavailable");
        await postgres.RestartAsync();

        for (var i = 0; i < 2; i++) acknowledged.Add(await PlayToTheEnd(api.Client, url, (uint)(300 + i), abandon: true));

        await WaitForWebhooks(
            () => acknowledged.All(key => receiver.Delivered("burst").Any(w => w.IdempotencyKey == key)),
            "the webhooks of every acknowledged game", DeliveryPatience, receiver, api);
        receiver.Delivered("burst").Select(w => w.IdempotencyKey).ShouldBe(acknowledged, ignoreOrder: true);
    }

    /// <summary>Waits for webhooks; on a timeout, says what the receiver got and what the API process wrote.</summary>
    private static async Task WaitForWebhooks(Func<bool> condition, string what, TimeSpan patience, WebhookReceiver receiver, ApiProcess api)
    {
        try
        {
            await WebhookReceiver.WaitUntilAsync(condition, what, patience);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\nThe API process wrote:\n{api.Output}", e);
        }
    }

    /// <summary>Plays a session with a callback to its end; returns the Idempotency-Key of its final webhook.</summary>
    private static async Task<string> PlayToTheEnd(HttpClient client, string callbackUrl, uint seed, bool abandon)
    {
        if (abandon) return $"{(await client.AbandonedSessionAsync($"p{seed}", callbackUrl, seed)).Id}:2";

        var game = await client.PlayedSessionAsync($"p{seed}", seed, randomSeed: (int)seed, batch: Scenarios.OneRequest,
            callbackUrl: callbackUrl);
        game.Final.Status.ShouldBe(SessionStatusName.Over);
        return $"{game.Started.Id}:{game.Final.Version}";
    }

    private static Dictionary<string, string> Settings(string connectionString) => ApiProcess.Settings(connectionString,
        ("EventApi:SideEffects:RetryBaseDelay", "00:00:00.200"),
        ("EventApi:SideEffects:RetryMaxDelay", "00:00:01"),
        ("EventApi:SideEffects:SweepInterval", "00:00:02"));
}
