using System.Net.Http.Headers;

namespace EventApi.Api.Features.SideEffects;

/// <summary>What became of one attempt at a side effect.</summary>
public enum DeliveryOutcome
{
    /// <summary>Done: the side effect took place (a webhook's receiver answered 2xx).</summary>
    Delivered,

    /// <summary>Worth trying again: a timeout, a connection error, 5xx, 408 or 429.</summary>
    Transient,

    /// <summary>Trying again cannot help: any other answer, or a URL that cannot be called.</summary>
    Permanent,
}

/// <summary>One attempt's outcome and, when it failed, why and when the receiver asked to be called again.
/// <paramref name="Error"/> is recorded on the side effect, where the admin endpoints show it; <paramref name="Detail"/>,
/// when given, is what the log says instead: the host, port or addresses the recorded error leaves out.</summary>
public sealed record DeliveryResult(DeliveryOutcome Outcome, string? Error = null, string? ExceptionType = null, TimeSpan? RetryAfter = null,
    string? Detail = null)
{
    public static readonly DeliveryResult Done = new(DeliveryOutcome.Delivered);
}

/// <summary>Names the failure of a webhook whose receiver answered with a status other than 2xx (the dead letter's
/// exception type; nothing throws it).</summary>
public sealed class WebhookRejectedException(string message) : Exception(message);

/// <summary>
/// The retry rules: which failures are transient, and how long to wait before the next attempt (exponential
/// backoff with full jitter, bounded by a cap, and never sooner than a receiver's <c>Retry-After</c>).
/// </summary>
public static class DeliveryPolicy
{
    /// <summary>Whether an HTTP status is worth retrying: 408 Request Timeout, 429 Too Many Requests and every 5xx.</summary>
    public static bool IsTransient(int status) => status is 408 or 429 or >= 500;

    /// <summary>The outcome of a webhook the receiver answered: 2xx delivers, a transient status is retried (honouring
    /// <c>Retry-After</c>), anything else (redirects included: they are not followed) is permanent.</summary>
    public static DeliveryResult Classify(int status, string? reason, RetryConditionHeaderValue? retryAfter, DateTimeOffset now)
    {
        if (status is >= 200 and < 300) return DeliveryResult.Done;
        var error = $"The receiver answered {status}{(string.IsNullOrEmpty(reason) ? "" : $" {reason}")}.";
        return IsTransient(status)
            ? new DeliveryResult(DeliveryOutcome.Transient, error, typeof(WebhookRejectedException).FullName, RetryAfter(retryAfter, now))
            : new DeliveryResult(DeliveryOutcome.Permanent, error, typeof(WebhookRejectedException).FullName);
    }

    /// <summary>The recorded error of a destination the policy refuses, whatever its port.</summary>
    public const string DestinationNotAllowed = "The destination is not allowed: webhooks are not sent to internal addresses.";

    /// <summary>The recorded error of a host name that did not resolve.</summary>
    public const string NameNotResolved = "The receiver's host name could not be resolved.";

    /// <summary>The recorded error of any other connection or protocol failure: the same whether nothing listened on the
    /// port or something answered that was not HTTP, so that the error tells nobody which ports are open.</summary>
    public const string NoHttpAnswer = "The receiver could not be reached, or did not answer HTTP.";

    /// <summary>The outcome of an attempt that got no answer. <paramref name="timedOut"/>: the attempt's own timeout
    /// fired. A destination the policy refuses is permanent; connection and protocol errors are transient; a request that
    /// cannot even be built is permanent. The recorded errors of refusals and connection failures are fixed sentences
    /// (the exception's own message, with the host and port, goes to the log).</summary>
    public static DeliveryResult Classify(Exception exception, bool timedOut, TimeSpan timeout)
    {
        if (timedOut)
            return new DeliveryResult(DeliveryOutcome.Transient, $"No answer within {timeout.TotalSeconds:0.###} s.", typeof(TimeoutException).FullName);
        if (Refusal(exception) is { } refused)
        {
            return new DeliveryResult(DeliveryOutcome.Permanent, DestinationNotAllowed, typeof(WebhookDestinationRefusedException).FullName,
                Detail: refused.Message);
        }

        var type = exception.GetType().FullName;
        return exception switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } =>
                new DeliveryResult(DeliveryOutcome.Transient, NameNotResolved, type, Detail: exception.Message),
            HttpRequestException or IOException or System.Net.Sockets.SocketException =>
                new DeliveryResult(DeliveryOutcome.Transient, NoHttpAnswer, type, Detail: exception.Message),
            UriFormatException or ArgumentException or InvalidOperationException or NotSupportedException =>
                new DeliveryResult(DeliveryOutcome.Permanent, exception.Message, type),
            _ => new DeliveryResult(DeliveryOutcome.Transient, exception.Message, type),
        };
    }

    /// <summary>The refusal behind an exception: the connect callback's, which the handler wraps in an HttpRequestException.</summary>
    private static WebhookDestinationRefusedException? Refusal(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is WebhookDestinationRefusedException refused) return refused;
        }

        return null;
    }

    /// <summary>A callback URL that cannot be called at all (not absolute http or https): permanent.</summary>
    public static DeliveryResult? CheckUrl(string? url, out Uri? uri)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            return null;
        uri = null;
        return new DeliveryResult(DeliveryOutcome.Permanent, $"'{url}' is not an absolute http or https URL.", typeof(UriFormatException).FullName);
    }

    /// <summary>
    /// The wait after the <paramref name="failedAttempts"/>-th failed attempt (1 for the first): full jitter, a uniform
    /// draw from [0, min(cap, base * 2^(failedAttempts - 1))], where <paramref name="random"/> is in [0, 1).
    /// </summary>
    public static TimeSpan Backoff(int failedAttempts, TimeSpan baseDelay, TimeSpan cap, double random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempts, 1);
        // In doubles: the doubling cannot overflow, and the cap bounds it anyway.
        var ceiling = Math.Min(cap.Ticks, baseDelay.Ticks * Math.Pow(2, failedAttempts - 1));
        return TimeSpan.FromTicks((long)(ceiling * Math.Clamp(random, 0, 1)));
    }

    /// <summary>The wait before the next attempt: the backoff, or the receiver's <c>Retry-After</c> when that is later.</summary>
    public static TimeSpan NextDelay(int failedAttempts, TimeSpan? retryAfter, SideEffectsOptions options, double random)
    {
        var backoff = Backoff(failedAttempts, options.RetryBaseDelay, options.RetryMaxDelay, random);
        return retryAfter is { } asked && asked > backoff ? asked : backoff;
    }

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now) => header switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };
}
