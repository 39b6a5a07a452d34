using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EventApi.Domain.Challenges;

/// <summary>
/// The daily challenge: one public seed per UTC day, the same for everyone, derived from the day and a server
/// secret (HMAC-SHA256), so nobody can compute a day's seed before the server hands it out.
/// </summary>
public static class DailyChallenge
{
    /// <summary>The seed of <paramref name="day"/>: the first four bytes, little-endian, of
    /// HMAC-SHA256(secret, "eventapi daily challenge yyyy-MM-dd").</summary>
    public static uint SeedFor(DateOnly day, ReadOnlySpan<byte> secret)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var message = Encoding.ASCII.GetBytes($"eventapi daily challenge {day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}");
        HMACSHA256.HashData(secret, message, mac);
        return BinaryPrimitives.ReadUInt32LittleEndian(mac);
    }

    /// <summary>The UTC day of <paramref name="at"/>.</summary>
    public static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);
}
