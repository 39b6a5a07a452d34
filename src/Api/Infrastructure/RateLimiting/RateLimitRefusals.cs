using System.Threading.RateLimiting;

namespace EventApi.Api.Infrastructure.RateLimiting;

/// <summary>The limits that can refuse a request.</summary>
public enum Limit
{
    SessionStarts,
    Claims,
    FailedTokens,
    ClaimVerification,
}

/// <summary>
/// Every refusal, whichever limit made it: a 429 <c>too-many-requests</c> problem with <c>Retry-After</c> in seconds
/// (the lease's own estimate when it has one, else one second), and one line at Debug for the operator.
/// </summary>
public sealed partial class RateLimitRefusals(ILogger<RateLimitRefusals> logger)
{
    public IResult Refuse(HttpContext http, RateLimitLease lease, Limit limit)
    {
        var seconds = RetryAfter.Set(http.Response,
            lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.Zero);
        Refused(logger, http.Request.Method, http.Request.Path, limit, seconds);
        return Problems.TooManyRequests(Describe(limit), seconds);
    }

    private static string Describe(Limit limit) => limit switch
    {
        Limit.SessionStarts => "Too many sessions were started from this address",
        Limit.Claims => "Too many claims were submitted from this address",
        Limit.FailedTokens => "Too many requests to this session came with a missing or wrong token",
        _ => "The server is verifying as many claims as it can",
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Path} refused by the {Limit} limit; retry after {RetryAfter} s")]
    private static partial void Refused(ILogger logger, string method, PathString path, Limit limit, int retryAfter);
}
