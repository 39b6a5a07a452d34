using System.Text.Json.Serialization;

namespace EventApi.Api.Infrastructure.Idempotency;

/// <summary>
/// The first response to a request sent with an <c>Idempotency-Key</c>, stored in the same transaction as the
/// events that request appended, so a crash can never leave one without the other.
/// </summary>
/// <remarks>
/// Neither the key nor the response is stored in clear: <see cref="Id"/> is a hash of the endpoint's scope and the
/// key, and the response (which for <c>POST /sessions</c> carries the session's token) is sealed with AES-GCM under
/// a key derived from the client's Idempotency-Key, which only a client that knows it can reproduce. A record holds
/// only what a replay needs: <see cref="Sealed"/> is the Brotli-compressed body sealed (compressed first: ciphertext
/// does not compress), and what is null is not written. Records written before that (<see cref="SealedBody"/>,
/// <see cref="Nonce"/>, <see cref="Tag"/>, <see cref="CreatedAt"/>) still replay until they expire.
/// </remarks>
public sealed class IdempotencyRecord
{
    public string Id { get; set; } = "";

    /// <summary>SHA-256 of the request as bound (route scope and body), to tell a retry from a reuse.</summary>
    public byte[] RequestHash { get; set; } = [];

    public int StatusCode { get; set; }

    /// <summary>The stored body's media type; null for application/json.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ContentType { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Location { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ETag { get; set; }

    /// <summary>The response body, Brotli-compressed then sealed with AES-GCM: nonce (12 bytes), tag (16), ciphertext.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public byte[]? Sealed { get; set; }

    /// <summary>A record written before <see cref="Sealed"/>: the body sealed uncompressed, with its nonce and tag.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public byte[]? Nonce { get; set; }

    /// <inheritdoc cref="Nonce"/>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public byte[]? SealedBody { get; set; }

    /// <inheritdoc cref="Nonce"/>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public byte[]? Tag { get; set; }

    /// <summary>Written by records before <see cref="Sealed"/>; a replay does not need it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}
