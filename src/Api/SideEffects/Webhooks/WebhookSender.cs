using System.Net.Http.Headers;
using System.Text;
using Marten;
using Microsoft.Extensions.Options;

namespace EventApi.Api.Features.SideEffects;

/// <summary>POSTs one webhook and says what became of it: the delivery of the <c>webhook</c> side effects.</summary>
public sealed class WebhookSender(IHttpClientFactory clients, WebhookSigner signer, IOptions<SideEffectsOptions> options, TimeProvider clock)
    : ISideEffectDelivery
{
    /// <summary>The named HttpClient: no redirects followed, no client-wide timeout (each attempt has its own).</summary>
    public const string ClientName = "side-effects-webhooks";
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    public string Kind => SideEffectKind.Webhook;

    /// <summary>Sends the webhook; it writes nothing in the dispatcher's transaction.</summary>
    Task<DeliveryResult> ISideEffectDelivery.DeliverAsync(IDocumentSession session, SideEffect sideEffect, DateTimeOffset now, CancellationToken ct) =>
        SendAsync(sideEffect, ct);

    /// <summary>One attempt, bounded by <c>EventApi:SideEffects:Timeout</c>. Cancellation by <paramref name="ct"/> (the
    /// host stopping) is no attempt: it is thrown, not reported.</summary>
    public async Task<DeliveryResult> SendAsync(SideEffect webhook, CancellationToken ct)
    {
        if (DeliveryPolicy.CheckUrl(webhook.Url, out var uri) is { } invalid) return invalid;

        var body = Encoding.UTF8.GetBytes(webhook.Body ?? "");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, webhook.IdempotencyKey);
        request.Headers.TryAddWithoutValidation(WebhookSigner.SignatureHeader, signer.Sign(webhook.SessionId, body));

        var timeout = options.Value.Timeout;
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(timeout);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            return DeliveryPolicy.Classify((int)response.StatusCode, response.ReasonPhrase, response.Headers.RetryAfter, clock.GetUtcNow());
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            return DeliveryPolicy.Classify(e, timedOut: attempt.IsCancellationRequested, timeout);
        }
    }
}
