using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventApi.Bench.Harness;

/// <summary>A webhook's body, as the API sends it (<c>WebhookBody</c>): <see cref="Timestamp"/> is the event's append
/// timestamp, from the store.</summary>
public sealed record WebhookBody(string Type, Guid SessionId, long Version, int Score, int MaxTile, DateTimeOffset Timestamp);

/// <summary>The first delivery of one webhook: its body and when its request arrived (before the body was read).</summary>
public sealed record ReceivedWebhook(WebhookBody Body, DateTimeOffset At);

/// <summary>
/// A fast webhook receiver: Kestrel on 127.0.0.1 and a free port, in the bench process, answering 200 to every POST
/// at once. It keeps the first delivery of each <c>Idempotency-Key</c> (the at-least-once deliveries are deduplicated as
/// a receiver must) and counts the others as duplicates.
/// </summary>
public sealed class WebhookSink : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ReceivedWebhook> _delivered = new(StringComparer.Ordinal);
    private long _requests;
    private long _duplicates;

    private WebhookSink(WebApplication app) => _app = app;

    /// <summary>The callback URL to start sessions with.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Requests received, duplicates included.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests whose Idempotency-Key had been received before.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Distinct webhooks received.</summary>
    public int Count => _delivered.Count;

    public static async Task<WebhookSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var sink = new WebhookSink(app);
        app.Run(sink.ReceiveAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        sink.Url = new Uri(address.TrimEnd('/') + "/hooks/bench");
        return sink;
    }

    /// <summary>The first delivery of every webhook received so far, by session (each bench session has one).</summary>
    public Dictionary<Guid, ReceivedWebhook> BySession() =>
        _delivered.Values.GroupBy(w => w.Body.SessionId).ToDictionary(g => g.Key, g => g.MinBy(w => w.At)!);

    private async Task ReceiveAsync(HttpContext context)
    {
        var at = DateTimeOffset.UtcNow;
        var body = await JsonSerializer.DeserializeAsync<WebhookBody>(context.Request.Body, Json, context.RequestAborted)
                   ?? throw new InvalidDataException("An empty webhook body.");
        Interlocked.Increment(ref _requests);
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        if (!_delivered.TryAdd(key, new ReceivedWebhook(body, at))) Interlocked.Increment(ref _duplicates);
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
