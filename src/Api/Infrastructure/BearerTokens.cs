using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace EventApi.Api.Infrastructure;

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
