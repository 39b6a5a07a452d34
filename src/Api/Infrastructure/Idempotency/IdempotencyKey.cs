using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace EventApi.Api.Infrastructure.Idempotency;

/// <summary>Reads Idempotency-Key headers with the configured retention and JSON options.</summary>
public sealed class IdempotencyKeys(IOptions<IdempotencyOptions> options, IOptions<JsonOptions> json)
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxLength = 255;

    /// <summary>
    /// Reads the header of a request to <paramref name="scope"/> whose bound body is <paramref name="body"/>. No header:
    /// <paramref name="key"/> is null and so is the result. A header that is not 1 to 255 visible ASCII characters,
    /// or appears twice: the 400 problem to answer with.
    /// </summary>
    public IResult? TryRead<TBody>(HttpRequest request, string scope, TBody body, out IdempotencyKey? key)
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

        key = new IdempotencyKey(scope, value, body, options.Value.Retention, json.Value.SerializerOptions);
        return null;
    }

    /// <summary>
    /// How a command that starts a stream begins: it reads the key (a malformed one is answered with a 400) and, when
    /// the key's record is live, answers as the first request was answered (a key reused with another body, 422).
    /// A null answer: go on, and record the response under the key (null when the request sent none).
    /// </summary>
    public async Task<(IdempotencyKey? Key, IResult? Answer)> BeginAsync<TBody>(HttpRequest request, string scope, TBody body,
        IQuerySession session, DateTimeOffset now, CancellationToken ct)
    {
        if (TryRead(request, scope, body, out var key) is { } malformed) return (null, malformed);
        return (key, key is null ? null : await key.ReplayAsync(session, now, ct));
    }
}

/// <summary>A client's Idempotency-Key, scoped to the endpoint and resource it was sent to, with the hash of the
/// request it came with.</summary>
public sealed class IdempotencyKey
{
    private static readonly byte[] SealInfo = "eventapi idempotent response v1"u8.ToArray();

    private readonly byte[] _key;
    private readonly byte[] _requestHash;
    private readonly TimeSpan _retention;
    private readonly JsonSerializerOptions _json;

    internal IdempotencyKey(string scope, string key, object? body, TimeSpan retention, JsonSerializerOptions json)
    {
        _key = Encoding.UTF8.GetBytes(key);
        _retention = retention;
        _json = json;
        RecordId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{scope}\n{key}")));

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(scope));
        hash.AppendData([0]);
        hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(body, json));
        _requestHash = hash.GetHashAndReset();
    }

    /// <summary>The id of the <see cref="IdempotencyRecord"/> for this key.</summary>
    public string RecordId { get; }

    /// <summary>
    /// The answer to a request that repeats a key whose record is still live: the first response again when the
    /// request is the same, 422 when the key was used for a different request. Null when there is no live record.
    /// </summary>
    public IResult? Replay(IdempotencyRecord? record, DateTimeOffset now)
    {
        if (record is null || record.ExpiresAt <= now) return null;
        if (!CryptographicOperations.FixedTimeEquals(record.RequestHash, _requestHash)) return Reused();

        return new ReplayedResponse(record, record.Sealed is { } @sealed ? Unseal(@sealed) : UnsealFirstFormat(record));
    }

    /// <summary>The answer to a key first sent with another request.</summary>
    public static ProblemHttpResult Reused() =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, ProblemTypes.IdempotencyKeyReused, "Idempotency key reused",
            $"This {IdempotencyKeys.HeaderName} was first sent with a different request; use a new key for a new request.");

    /// <summary><see cref="Replay"/> with this key's record, read from <paramref name="session"/>.</summary>
    public async Task<IResult?> ReplayAsync(IQuerySession session, DateTimeOffset now, CancellationToken ct) =>
        Replay(await session.LoadAsync<IdempotencyRecord>(RecordId, ct), now);

    /// <summary>Stores the response in <paramref name="session"/>, to commit in the same transaction as the append.
    /// <paramref name="contentType"/>: the body's media type when it is not plain JSON (a problem).</summary>
    public void Record<TResponse>(IDocumentSession session, int statusCode, TResponse response, string? location,
        string? etag, DateTimeOffset now, string? contentType = null)
    {
        session.Insert(new IdempotencyRecord
        {
            Id = RecordId,
            RequestHash = _requestHash,
            StatusCode = statusCode,
            ContentType = contentType,
            Location = location,
            ETag = etag,
            Sealed = Seal(JsonSerializer.SerializeToUtf8Bytes(response, _json)),
            ExpiresAt = now + _retention,
        });
    }

    /// <summary>
    /// After a save lost to a concurrent request (nothing of this one was stored): if that request carried this key,
    /// its response, as a retry gets it. Null otherwise.
    /// </summary>
    public async Task<IResult?> ReplayWinnerAsync(IDocumentStore store, DateTimeOffset now, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        return Replay(await query.LoadAsync<IdempotencyRecord>(RecordId, ct), now);
    }

    /// <summary>
    /// Commits what a command staged in <paramref name="session"/> (its events, and its key's record): the one commit
    /// of every command, new stream or not. When a concurrent request committed first, nothing of this one is stored:
    /// if that request carried the same key, this is its retry and gets its response; otherwise the answer is
    /// <paramref name="lostRace"/>'s (a command on an existing session: 409), or the exception goes on when there is
    /// none (a new stream's id cannot be taken). Null when this request committed.
    /// </summary>
    public static async Task<IResult?> CommitAsync(IDocumentSession session, IdempotencyKey? key, DateTimeOffset now,
        Func<IResult>? lostRace, CancellationToken ct)
    {
        try
        {
            await session.SaveChangesAsync(ct);
            return null;
        }
        catch (Exception e) when ((e is ConcurrencyException or DocumentAlreadyExistsException) && (key is not null || lostRace is not null))
        {
            if (key is not null && await key.ReplayWinnerAsync(session.DocumentStore, now, ct) is { } winner) return winner;
            if (lostRace is not null) return lostRace();
            throw;
        }
    }

    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>The body compressed (JSON compresses well, ciphertext does not), then sealed: nonce, tag, ciphertext.</summary>
    private byte[] Seal(byte[] body)
    {
        var compressed = new MemoryStream();
        using (var brotli = new BrotliStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true)) brotli.Write(body);
        var plain = compressed.GetBuffer().AsSpan(0, (int)compressed.Length);

        var result = new byte[NonceSize + TagSize + plain.Length];
        var nonce = result.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(DeriveKey(), TagSize);
        aes.Encrypt(nonce, plain, result.AsSpan(NonceSize + TagSize), result.AsSpan(NonceSize, TagSize), Encoding.ASCII.GetBytes(RecordId));
        return result;
    }

    private byte[] Unseal(byte[] @sealed)
    {
        var plain = new byte[@sealed.Length - NonceSize - TagSize];
        using (var aes = new AesGcm(DeriveKey(), TagSize))
        {
            aes.Decrypt(@sealed.AsSpan(0, NonceSize), @sealed.AsSpan(NonceSize + TagSize), @sealed.AsSpan(NonceSize, TagSize), plain,
                Encoding.ASCII.GetBytes(RecordId));
        }

        using var brotli = new BrotliStream(new MemoryStream(plain), CompressionMode.Decompress);
        var body = new MemoryStream();
        brotli.CopyTo(body);
        return body.ToArray();
    }

    /// <summary>A record written before <see cref="IdempotencyRecord.Sealed"/>: the body sealed uncompressed.</summary>
    private byte[] UnsealFirstFormat(IdempotencyRecord record)
    {
        var body = new byte[record.SealedBody!.Length];
        using var aes = new AesGcm(DeriveKey(), record.Tag!.Length);
        aes.Decrypt(record.Nonce!, record.SealedBody, record.Tag, body, Encoding.ASCII.GetBytes(RecordId));
        return body;
    }

    private byte[] DeriveKey() => HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, 32, Encoding.ASCII.GetBytes(RecordId), SealInfo);

    private sealed class ReplayedResponse(IdempotencyRecord record, byte[] body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = record.StatusCode;
            response.ContentType = record.ContentType ?? "application/json; charset=utf-8";
            if (record.Location is not null) response.Headers.Location = record.Location;
            if (record.ETag is not null) response.Headers.ETag = record.ETag;
            response.Headers["Idempotent-Replayed"] = "true";
            return response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
        }
    }
}
