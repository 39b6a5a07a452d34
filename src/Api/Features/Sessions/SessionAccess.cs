using System.Security.Cryptography;
using System.Text;

namespace EventApi.Api.Features.Sessions;

/// <summary>
/// Who may write to a session: the SHA-256 of its bearer token. Kept out of the event stream on purpose: the
/// stream is public (<c>GET /sessions/{id}/events</c>) and a credential is not a fact about the game.
/// </summary>
public sealed class SessionAccess
{
    public Guid Id { get; set; }
    public byte[] TokenHash { get; set; } = [];

    /// <summary>A new token of 256 random bits (base64url, 43 characters) and the access record that holds its hash.</summary>
    public static (string Token, SessionAccess Access) Issue(Guid sessionId)
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (token, new SessionAccess { Id = sessionId, TokenHash = Hash(token) });
    }

    /// <summary>Whether <paramref name="token"/> is this session's, compared in constant time.</summary>
    public bool Admits(string token) => CryptographicOperations.FixedTimeEquals(Hash(token), TokenHash);

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
