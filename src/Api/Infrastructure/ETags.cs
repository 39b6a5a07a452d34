using Microsoft.Extensions.Primitives;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace EventApi.Api.Infrastructure;

/// <summary>ETags are the stream version, quoted: <c>"7"</c>.</summary>
public static class ETags
{
    public static string For(long version) => $"\"{version}\"";

    /// <summary>
    /// Reads an If-Match header's values. No header: <paramref name="matches"/> is true. <c>*</c> matches any existing
    /// session. Returns false when the header cannot be parsed.
    /// </summary>
    public static bool TryMatchIfMatch(StringValues values, long currentVersion, out bool matches)
    {
        matches = true;
        if (values.Count == 0) return true;
        if (!EntityTagHeaderValue.TryParseStrictList(values, out var tags) || tags.Count == 0) return false;

        matches = tags.Any(t => t.Equals(EntityTagHeaderValue.Any)
                                || (!t.IsWeak && t.Tag.Equals(For(currentVersion), StringComparison.Ordinal)));
        return true;
    }

    /// <summary>If-None-Match with the current ETag (weak comparison), or <c>*</c>: the client's copy is current.</summary>
    public static bool IfNoneMatchHits(HttpRequest request, long currentVersion)
    {
        var values = request.Headers.IfNoneMatch;
        if (values.Count == 0 || !EntityTagHeaderValue.TryParseList(values, out var tags)) return false;
        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Tag.Equals(For(currentVersion), StringComparison.Ordinal));
    }
}
