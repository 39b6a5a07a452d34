using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace EventApi.Api.Features.SideEffects;

/// <summary>
/// Each session's webhook secret, derived and never stored: HKDF-SHA256 of the server's signing key
/// (<c>EventApi:Webhooks:SigningKey</c>) with the session id in its info. <c>POST /sessions</c> shows it once; every
/// webhook of the session carries <c>X-EventApi-Signature: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>, keyed by the
/// UTF-8 bytes of that secret.
/// </summary>
public sealed class WebhookSigner(IOptions<WebhookOptions> options)
{
    public const string SignatureHeader = "X-EventApi-Signature";
    public const string SignaturePrefix = "sha256=";
    private const int SecretBytes = 32;

    private readonly byte[] _signingKey = Encoding.UTF8.GetBytes(options.Value.SigningKey);

    /// <summary>The session's secret: 256 bits, base64url (43 characters).</summary>
    public string SecretFor(Guid sessionId)
    {
        Span<byte> secret = stackalloc byte[SecretBytes];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _signingKey, secret, salt: [],
            info: Encoding.UTF8.GetBytes($"eventapi webhook secret v1\n{sessionId:D}"));
        return Base64Url.EncodeToString(secret);
    }

    /// <summary>The value of <see cref="SignatureHeader"/> for <paramref name="body"/>.</summary>
    public string Sign(Guid sessionId, ReadOnlySpan<byte> body) => Signature(SecretFor(sessionId), body);

    /// <summary><c>sha256=</c> and the lowercase hex HMAC-SHA256 of <paramref name="body"/> keyed by the UTF-8 bytes of
    /// <paramref name="secret"/>: what a receiver computes to check a webhook.</summary>
    public static string Signature(string secret, ReadOnlySpan<byte> body) =>
        SignaturePrefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
