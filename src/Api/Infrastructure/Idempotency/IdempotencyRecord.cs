namespace EventApi.Api.Infrastructure.Idempotency;

/// <summary>
/// The first response to a request sent with an <c>Idempotency-Key</c>, stored in the same transaction as the
/// events that request appended, so a crash can never leave one without the other.
/// </summary>
/// <remarks>
/// Neither the key nor the response is stored in clear: <see cref="Id"/> is a hash of the endpoint's scope and the
/// key, and the response (which for <c>POST /sessions</c> carries the session's token) is sealed with AES-GCM under
/// a key derived from the client's Idempotency-Key, which only a client that knows it can reproduce.
/// </remarks>
public sealed class IdempotencyRecord
{
    public string Id { get; set; } = "";

    /// <summary>SHA-256 of the request as bound (route scope and body), to tell a retry from a reuse.</summary>
    public byte[] RequestHash { get; set; } = [];

    public int StatusCode { get; set; }

    /// <summary>The stored body's media type; null for application/json.</summary>
    public string? ContentType { get; set; }

    public string? Location { get; set; }
    public string? ETag { get; set; }
    public byte[] Nonce { get; set; } = [];
    public byte[] SealedBody { get; set; } = [];
    public byte[] Tag { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
