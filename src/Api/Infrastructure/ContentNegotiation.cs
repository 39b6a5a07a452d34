using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace EventApi.Api.Infrastructure;

/// <summary>
/// Every API endpoint answers in JSON (problems in application/problem+json). A request whose Accept header rules
/// both out gets a 406 problem instead of a body it said it cannot use. No Accept header accepts anything.
/// </summary>
public sealed class JsonAcceptFilter : IEndpointFilter
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly MediaTypeHeaderValue ProblemJson = new("application/problem+json");

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var accept = context.HttpContext.Request.GetTypedHeaders().Accept;
        if (accept.Count == 0 || accept.Any(range => range.Quality is not 0 && (Json.IsSubsetOf(range) || ProblemJson.IsSubsetOf(range))))
            return next(context);

        // The problem details service writes only what the Accept header allows, so this problem is completed here:
        // it is written as application/problem+json all the same, in the shape of every other.
        var problem = NotAcceptable();
        ProblemShape.Complete(problem.ProblemDetails, context.HttpContext);
        return ValueTask.FromResult<object?>(problem);
    }

    public static ProblemHttpResult NotAcceptable() =>
        Problems.Create(StatusCodes.Status406NotAcceptable, ProblemTypes.NotAcceptable, "Not acceptable",
            "This endpoint answers with application/json (problems with application/problem+json); the Accept header allows neither.");
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
        group.AddEndpointFilter<JsonAcceptFilter>();
        group.ProducesProblem(StatusCodes.Status406NotAcceptable);
        return group;
    }
}
