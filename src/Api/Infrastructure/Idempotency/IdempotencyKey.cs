using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventApi.Api.Infrastructure.Idempotency;

/// <summary>A client's Idempotency-Key, scoped to the endpoint and resource it was sent to.</summary>
public sealed class IdempotencyKey
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxLength = 255;
    private static readonly byte[] SealInfo = "eventapi idempotent response v1"u8.ToArray();

    private readonly byte[] _key;

    private IdempotencyKey(string scope, string key)
    {
        _key = Encoding.UTF8.GetBytes(key);
        RecordId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{scope}\n{key}")));
    }

    /// <summary>The id of the <see cref="IdempotencyRecord"/> for this key.</summary>
    public string RecordId { get; }

    /// <summary>
    /// Reads the header. No header: <paramref name="key"/> is null and the result null. A header that is not
    /// 1 to 255 visible ASCII characters, or appears twice: the 400 problem to answer with.
    /// </summary>
    public static IResult? TryRead(HttpRequest request, string scope, out IdempotencyKey? key)
    {
        key = null;
        var values = request.Headers[HeaderName];
        if (values.Count == 0) return null;
        var value = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength || value.Any(c => c is < '!' or > '~'))
        {
            return Problems.InvalidHeader(HeaderName,
                $"{HeaderName} must appear once, as 1 to {MaxLength} visible ASCII characters (a UUID is a good choice).");
        }

        key = new IdempotencyKey(scope, value);
        return null;
    }

    public static byte[] HashRequest<T>(string scope, T request, JsonSerializerOptions options)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(scope));
        hash.AppendData([0]);
        hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(request, options));
        return hash.GetHashAndReset();
    }

    /// <summary>Seals a response into a record that expires after <paramref name="retention"/>.</summary>
    public IdempotencyRecord Seal(byte[] requestHash, int statusCode, byte[] body, string? location, string? etag,
        DateTimeOffset now, TimeSpan retention)
    {
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var cipher = new byte[body.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using (var aes = new AesGcm(DeriveKey(), tag.Length))
        {
            aes.Encrypt(nonce, body, cipher, tag, Encoding.ASCII.GetBytes(RecordId));
        }

        return new IdempotencyRecord
        {
            Id = RecordId,
            RequestHash = requestHash,
            StatusCode = statusCode,
            Location = location,
            ETag = etag,
            Nonce = nonce,
            SealedBody = cipher,
            Tag = tag,
            CreatedAt = now,
            ExpiresAt = now + retention,
        };
    }

    /// <summary>
    /// The answer to a request that repeats a key: the first response again when the request is the same, 422
    /// when the key was used for a different request.
    /// </summary>
    public IResult Replay(IdempotencyRecord record, byte[] requestHash)
    {
        if (!CryptographicOperations.FixedTimeEquals(record.RequestHash, requestHash))
        {
            return Problems.Create(StatusCodes.Status422UnprocessableEntity, ProblemTypes.IdempotencyKeyReused,
                "Idempotency key reused",
                $"This {HeaderName} was first sent with a different request; use a new key for a new request.");
        }

        var body = new byte[record.SealedBody.Length];
        using (var aes = new AesGcm(DeriveKey(), record.Tag.Length))
        {
            aes.Decrypt(record.Nonce, record.SealedBody, record.Tag, body, Encoding.ASCII.GetBytes(RecordId));
        }

        return new ReplayedResponse(record, body);
    }

    private byte[] DeriveKey() => HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, 32, Encoding.ASCII.GetBytes(RecordId), SealInfo);

    private sealed class ReplayedResponse(IdempotencyRecord record, byte[] body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = record.StatusCode;
            response.ContentType = "application/json; charset=utf-8";
            if (record.Location is not null) response.Headers.Location = record.Location;
            if (record.ETag is not null) response.Headers.ETag = record.ETag;
            response.Headers["Idempotent-Replayed"] = "true";
            return response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
        }
    }
}
