using System.Globalization;

namespace EventApi.Api.Infrastructure;

/// <summary>The <c>Retry-After</c> header of a refusal: whole seconds, rounded up, at least one.</summary>
public static class RetryAfter
{
    /// <summary>Sets the header to <paramref name="wait"/> in whole seconds (rounded up, at least 1) and returns them,
    /// for the problem's detail.</summary>
    public static int Set(HttpResponse response, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return seconds;
    }
}
