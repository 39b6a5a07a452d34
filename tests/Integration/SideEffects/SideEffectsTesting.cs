using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventApi.Api.Features.SideEffects;
using EventApi.Integration.Infrastructure;
using Marten;

namespace EventApi.Integration.SideEffects;

/// <summary>A host that retries side effects quickly: milliseconds of backoff, four attempts, a short timeout. Its
/// sweeper runs every ten minutes, so the tests see the wake-ups themselves at work; sweeper tests call it. The retention
/// sweep deletes two side effects a batch.</summary>
public sealed class SideEffectsApiFactory : ApiFactory
{
    public const int MaxAttempts = 4;

    /// <summary>Small, so that the retention tests see several batches.</summary>
    public const int RetentionBatchSize = 2;

    protected override IDictionary<string, string?> Settings(IDictionary<string, string?> defaults)
    {
        defaults["EventApi:SideEffects:RetryBaseDelay"] = "00:00:00.020";
        defaults["EventApi:SideEffects:RetryMaxDelay"] = "00:00:00.200";
        defaults["EventApi:SideEffects:MaxAttempts"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
        defaults["EventApi:SideEffects:Timeout"] = "00:00:02";
        defaults["EventApi:SideEffects:SweepInterval"] = "00:10:00";
        defaults["EventApi:SideEffects:RetentionBatchSize"] = RetentionBatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return defaults;
    }
}

[CollectionDefinition(Name)]
public sealed class SideEffectsCollection : ICollectionFixture<SideEffectsApiFactory>
{
    public const string Name = "api with quick side-effect retries";
}

/// <summary>A test of the side effects: the data is reset before each test, and each test has a receiver of its own.</summary>
[Collection(SideEffectsCollection.Name)]
public abstract class SideEffectsTest(SideEffectsApiFactory api) : ApiTest(api)
{
    protected WebhookReceiver Receiver { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Receiver = await WebhookReceiver.StartAsync();
    }

    public override async Task DisposeAsync()
    {
        await Receiver.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>What the side effects leave to read (the outbox, the webhooks' events, achievements), and waits on the
/// outbox.</summary>
public static class SideEffectsTesting
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>The events of the session that have webhooks, as GET /sessions/{id}/events shows them.</summary>
    public static async Task<JsonElement[]> WebhookEventsAsync(this HttpClient client, Guid session) =>
        (await client.GetEventsAsync(session))
        .Where(e => e.GetProperty("type").GetString() is "milestone_reached" or "game_over" or "session_abandoned")
        .ToArray();

    /// <summary>The ids of the two webhooks of a session played to 512 and ended: the milestone's and the end's.</summary>
    public static async Task<(string Milestone, string End)> MilestoneAndEndWebhooksAsync(this HttpClient client, Guid session)
    {
        var ids = (await client.WebhookEventsAsync(session))
            .Select(e => SideEffect.IdFor(session, e.GetProperty("version").GetInt64(), SideEffectKind.Webhook))
            .ToArray();
        ids.Length.ShouldBe(2);
        return (ids[0], ids[1]);
    }

    public static async Task<IReadOnlyList<SideEffect>> SideEffectsOfAsync(this ApiFactory api, Guid session)
    {
        await using var query = api.Store.QuerySession();
        return await query.Query<SideEffect>().Where(s => s.SessionId == session).OrderBy(s => s.Version).ThenBy(s => s.Kind).ToListAsync();
    }

    /// <summary>Waits until the side effect exists and has the status, and returns it.</summary>
    public static async Task<SideEffect> WaitForStatusAsync(this ApiFactory api, string id, string status)
    {
        SideEffect? seen = null;
        await WebhookReceiver.WaitUntilAsync(async () =>
        {
            await using var query = api.Store.QuerySession();
            seen = await query.LoadAsync<SideEffect>(id);
            return seen?.Status == status;
        }, $"side effect {id} to be {status} (it is {seen?.Status ?? "absent"})", Patience);
        return seen!;
    }

    /// <summary>Waits until the session has <paramref name="count"/> side effects, every one of them with a status in
    /// <paramref name="statuses"/>, and returns them in queue order.</summary>
    public static async Task<IReadOnlyList<SideEffect>> WaitForSideEffectsAsync(this ApiFactory api, Guid session, int count, params string[] statuses)
    {
        IReadOnlyList<SideEffect> seen = [];
        await WebhookReceiver.WaitUntilAsync(async () =>
        {
            seen = await api.SideEffectsOfAsync(session);
            return seen.Count == count && seen.All(s => statuses.Contains(s.Status));
        }, $"{count} side effects of session {session} to be {string.Join(" or ", statuses)}", Patience);
        return seen;
    }

    public static async Task<JsonElement> AchievementsAsync(this HttpClient client, string player)
    {
        using var response = await client.GetAsync($"/players/{player}/achievements");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>(SessionsClient.Json)).GetProperty("achievements");
    }
}
