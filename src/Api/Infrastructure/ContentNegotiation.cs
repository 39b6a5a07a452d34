using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace EventApi.Api.Infrastructure;

/// <summary>
/// An endpoint answers in its media types (problems in application/problem+json): a request whose Accept header rules
/// them all out gets a 406 problem instead of a body it said it cannot use. No Accept header accepts anything.
/// </summary>
public sealed class AcceptFilter(string answersWith, params MediaTypeHeaderValue[] produces) : IEndpointFilter
{
    /// <summary>Every JSON endpoint: application/json, or a problem.</summary>
    public static readonly AcceptFilter Json = new("application/json (problems with application/problem+json)",
        new MediaTypeHeaderValue("application/json"), new MediaTypeHeaderValue("application/problem+json"));

    /// <summary>A live stream: text/event-stream (its refusals are problems, whatever the Accept header says).</summary>
    public static readonly AcceptFilter EventStream = new("text/event-stream (problems with application/problem+json)",
        new MediaTypeHeaderValue("text/event-stream"));

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var accept = context.HttpContext.Request.GetTypedHeaders().Accept;
        if (accept.Count == 0 || accept.Any(range => range.Quality is not 0 && produces.Any(type => type.IsSubsetOf(range))))
            return next(context);
        return ValueTask.FromResult<object?>(NotAcceptable());
    }

    public ProblemHttpResult NotAcceptable() =>
        Problems.Create(StatusCodes.Status406NotAcceptable, ProblemTypes.NotAcceptable, "Not acceptable",
            $"This endpoint answers with {answersWith}; the Accept header allows none of these.");
}

/// <summary>
/// JSON bodies are UTF-8 (RFC 8259). A Content-Type whose charset parameter names anything else is refused with a 415
/// before the body is read: ASP.NET would otherwise try to transcode it, and fail with a 500 on a charset it does not
/// know. No charset parameter means UTF-8.
/// </summary>
public sealed class Utf8BodiesMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http)
    {
        var contentType = http.Request.ContentType;
        if (contentType is null || !contentType.Contains("charset", StringComparison.OrdinalIgnoreCase)
            || !MediaTypeHeaderValue.TryParse(contentType, out var media)
            || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || media.Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            return next(http);

        return UnsupportedCharset().ExecuteAsync(http);
    }

    public static ProblemHttpResult UnsupportedCharset() =>
        Problems.Create(StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType, "Unsupported media type",
            "Send the body as application/json in UTF-8 (charset=utf-8, or no charset parameter).");
}

public static class ContentNegotiation
{
    /// <summary>Refuses bodies in any charset but UTF-8 (<see cref="Utf8BodiesMiddleware"/>).</summary>
    public static IApplicationBuilder UseUtf8Bodies(this IApplicationBuilder app) => app.UseMiddleware<Utf8BodiesMiddleware>();

    /// <summary>The API's endpoints under this group negotiate JSON (406 otherwise).</summary>
    public static RouteGroupBuilder NegotiatesJson(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(AcceptFilter.Json);
        group.ProducesProblem(StatusCodes.Status406NotAcceptable);
        return group;
    }
}
