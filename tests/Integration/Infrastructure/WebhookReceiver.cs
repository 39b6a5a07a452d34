using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventApi.Integration.Infrastructure;

/// <summary>How the receiver answers the webhooks sent to one path.</summary>
public abstract record Behaviour
{
    /// <summary>200 to every attempt.</summary>
    public static readonly Behaviour Succeed = new Always(200);

    /// <summary>The first <paramref name="Count"/> attempts of each Idempotency-Key get <paramref name="Status"/>, the next ones 200.</summary>
    public sealed record FailFirst(int Count, int Status = 500) : Behaviour;

    /// <summary>Every attempt gets <paramref name="Status"/> (with <paramref name="RetryAfter"/>, when given).</summary>
    public sealed record Always(int Status, string? RetryAfter = null) : Behaviour;
}

/// <summary>One request the receiver got.</summary>
public sealed record ReceivedWebhook(
    string Path,
    string? IdempotencyKey,
    string? Signature,
    string? ContentType,
    string Body,
    int AnsweredStatus,
    int AttemptOfKey,
    bool Duplicate,
    DateTimeOffset At)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    /// <summary>Whether the signature is <c>sha256=</c> and the hex HMAC-SHA256 of the body keyed by the UTF-8 bytes
    /// of <paramref name="secret"/>, computed here independently of the API's code.</summary>
    public bool IsSignedWith(string secret) =>
        Signature == "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(Body)));
}

/// <summary>
/// A real HTTP receiver for webhooks: Kestrel on 127.0.0.1 and a free port, in the test process. Each path under
/// <c>/hooks/</c> has its own behaviour; every request is recorded with its headers and body, and the receiver
/// deduplicates by Idempotency-Key as a real one should: a key that was answered 2xx once is recorded as a duplicate
/// when it comes again (and answered 200). To the API it is just a URL, so it serves a separate API process too.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Behaviour> _behaviours = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _delivered = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ReceivedWebhook> _requests = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks/{path}", receiver.ReceiveAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return receiver;
    }

    /// <summary>A URL of this receiver with its own behaviour (200 until told otherwise).</summary>
    public string UrlFor(string path, Behaviour? behaviour = null)
    {
        _behaviours[path] = behaviour ?? Behaviour.Succeed;
        return new Uri(BaseAddress, $"hooks/{path}").ToString();
    }

    /// <summary>Changes how a path answers from now on (for example: the receiver is fixed).</summary>
    public void Behave(string path, Behaviour behaviour) => _behaviours[path] = behaviour;

    /// <summary>A URL where nothing listens: every attempt is refused at connection.</summary>
    public static string DownUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}/hooks/down";
    }

    /// <summary>Every request to the path, in arrival order.</summary>
    public IReadOnlyList<ReceivedWebhook> Requests(string path) => _requests.Where(r => r.Path == path).ToArray();

    /// <summary>The webhooks of the path effectively delivered: the first 2xx of each Idempotency-Key, in arrival order.</summary>
    public IReadOnlyList<ReceivedWebhook> Delivered(string path) =>
        Requests(path).Where(r => r.AnsweredStatus is >= 200 and < 300 && !r.Duplicate).ToArray();

    /// <summary>Waits, at most <paramref name="patience"/>, until <paramref name="condition"/> holds.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        while (!await condition())
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(25), timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Waited {patience.TotalSeconds:0} s for {what}.");
            }
        }
    }

    /// <inheritdoc cref="WaitUntilAsync(Func{Task{bool}}, string, TimeSpan)"/>
    public static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan patience) =>
        WaitUntilAsync(() => Task.FromResult(condition()), what, patience);

    private async Task<IResult> ReceiveAsync(string path, HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var key = request.Headers["Idempotency-Key"].ToString();
        var attempt = _attempts.AddOrUpdate($"{path}\n{key}", 1, (_, n) => n + 1);
        var behaviour = _behaviours.GetValueOrDefault(path, Behaviour.Succeed);
        var (status, retryAfter) = behaviour switch
        {
            Behaviour.FailFirst f => (attempt <= f.Count ? f.Status : 200, (string?)null),
            Behaviour.Always a => (a.Status, a.RetryAfter),
            _ => (200, null),
        };

        var duplicate = false;
        if (status is >= 200 and < 300) duplicate = !_delivered.TryAdd($"{path}\n{key}", true);
        _requests.Enqueue(new ReceivedWebhook(path, key, request.Headers["X-EventApi-Signature"].ToString(),
            request.ContentType, body, status, attempt, duplicate, DateTimeOffset.UtcNow));

        if (retryAfter is not null) request.HttpContext.Response.Headers.RetryAfter = retryAfter;
        return Results.StatusCode(status);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
