using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace EventApi.Api.Infrastructure;

public static class RequestBodyLimit
{
    /// <summary>
    /// Applies the matched endpoint's body limit (its <see cref="IRequestSizeLimitMetadata"/>, see
    /// <see cref="WithRequestSizeLimit"/>), or <paramref name="defaultMaxBytes"/> for an endpoint that declares none.
    /// A body whose declared length is over it is refused with a 413 problem before anything reads it, whatever the
    /// server. Where the server lets the limit be set per request (Kestrel does), it is set too, so a chunked body
    /// that grows past it while it is read is stopped as well. Runs after routing, which has chosen the endpoint.
    /// </summary>
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app, long defaultMaxBytes) =>
        app.Use(async (context, next) =>
        {
            var maxBytes = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is { } declared
                ? declared.MaxRequestBodySize
                : defaultMaxBytes;
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
                feature.MaxRequestBodySize = maxBytes;

            if (maxBytes is { } max && context.Request.ContentLength is { } length && length > max)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = TooLarge(length, max),
                });
                return;
            }

            await next(context);
        });

    public static ProblemDetails TooLarge(long length, long max) => new()
    {
        Status = StatusCodes.Status413PayloadTooLarge,
        Type = ProblemTypes.RequestTooLarge,
        Title = "Request body too large",
        Detail = $"The body is {length} bytes; the limit is {max}.",
    };

    /// <summary>This endpoint's body limit, in place of the default: ASP.NET's own <see cref="RequestSizeLimitAttribute"/>
    /// as endpoint metadata.</summary>
    public static RouteHandlerBuilder WithRequestSizeLimit(this RouteHandlerBuilder builder, long maxBytes) =>
        builder.WithMetadata(new RequestSizeLimitAttribute(maxBytes));
}
