using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using EventApi.Api.Infrastructure.Idempotency;
using EventApi.Integration.Infrastructure;

namespace EventApi.Integration.Sessions;

/// <summary>Records written before responses were compressed (the body sealed uncompressed, with its own nonce and tag,
/// and a CreatedAt) still replay.</summary>
public sealed class IdempotencyFormatTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task a_record_in_the_first_format_still_replays_the_first_response()
    {
        var (started, valid) = await Client.StartedSessionAsync();
        var key = Guid.NewGuid().ToString();
        using var first = await Client.MoveAsync(started.Id, started.Token, [valid], idempotencyKey: key);
        first.StatusCode.ShouldBe(HttpStatusCode.OK);

        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"POST /sessions/{started.Id:D}/moves\n{key}")));
        var aad = Encoding.ASCII.GetBytes(id);
        var secret = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(key), 32, aad, "eventapi idempotent response v1"u8.ToArray());
        await using (var session = Api.Store.LightweightSession())
        {
            var record = (await session.LoadAsync<IdempotencyRecord>(id))!;
            var @sealed = record.Sealed!;
            var compressed = new byte[@sealed.Length - 28];
            using (var aes = new AesGcm(secret, 16)) aes.Decrypt(@sealed[..12], @sealed[28..], @sealed[12..28], compressed, aad);
            var body = new MemoryStream();
            using (var brotli = new BrotliStream(new MemoryStream(compressed), CompressionMode.Decompress)) brotli.CopyTo(body);

            var nonce = RandomNumberGenerator.GetBytes(12);
            var cipher = new byte[body.Length];
            var tag = new byte[16];
            using (var aes = new AesGcm(secret, 16)) aes.Encrypt(nonce, body.ToArray(), cipher, tag, aad);
            record.Sealed = null;
            record.Nonce = nonce;
            record.SealedBody = cipher;
            record.Tag = tag;
            record.CreatedAt = record.ExpiresAt.AddDays(-2);
            session.Store(record);
            await session.SaveChangesAsync();
        }

        using var retry = await Client.MoveAsync(started.Id, started.Token, [valid], idempotencyKey: key);

        retry.StatusCode.ShouldBe(HttpStatusCode.OK);
        retry.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        retry.Headers.ETag.ShouldBe(first.Headers.ETag);
        (await retry.Content.ReadAsByteArrayAsync()).ShouldBe(await first.Content.ReadAsByteArrayAsync());
        (await Client.GetSessionAsync(started.Id)).Version.ShouldBe(2);
    }
}
