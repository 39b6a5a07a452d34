using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace EventApi.Api.Infrastructure;

/// <summary>ETags are the stream version, quoted: <c>"7"</c>.</summary>
public static class ETags
{
    public static string For(long version) => $"\"{version}\"";

    /// <summary>
    /// Reads If-Match. No header: <paramref name="matches"/> is true. <c>*</c> matches any existing session.
    /// Returns false when the header cannot be parsed.
    /// </summary>
    public static bool TryMatchIfMatch(HttpRequest request, long currentVersion, out bool matches)
    {
        matches = true;
        var values = request.Headers.IfMatch;
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

public enum BearerTokenPresence
{
    Present,
    Missing,
    Malformed,
}

public static class BearerTokens
{
    /// <summary>Reads <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    public static BearerTokenPresence TryRead(HttpRequest request, out string token)
    {
        token = "";
        var values = request.Headers.Authorization;
        if (values.Count == 0) return BearerTokenPresence.Missing;
        if (values.Count > 1) return BearerTokenPresence.Malformed;

        var value = values[0].AsSpan().Trim();
        const string scheme = "Bearer ";
        if (!value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return BearerTokenPresence.Malformed;
        var candidate = value[scheme.Length..].Trim();
        if (candidate.IsEmpty || candidate.Length > 512) return BearerTokenPresence.Malformed;

        token = candidate.ToString();
        return BearerTokenPresence.Present;
    }

    /// <summary>The 401 answer to a request without a usable bearer token.</summary>
    public static IResult Challenge(HttpContext context, BearerTokenPresence presence)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return MissingToken(presence);
    }

    public static ProblemHttpResult MissingToken(BearerTokenPresence presence) =>
        Problems.Create(StatusCodes.Status401Unauthorized, ProblemTypes.MissingToken, "Bearer token required",
            presence == BearerTokenPresence.Missing
                ? "Send the session's token as 'Authorization: Bearer <token>'."
                : "The Authorization header is not 'Bearer <token>'.");

    public static ProblemHttpResult Forbidden() =>
        Problems.Create(StatusCodes.Status403Forbidden, ProblemTypes.InvalidToken, "Invalid token",
            "The bearer token is not this session's token.");
}
