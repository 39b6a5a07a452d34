namespace EventApi.Api.Infrastructure;

public static class RequestBodyLimit
{
    /// <summary>
    /// Refuses a body whose declared length is over <paramref name="maxBytes"/> with a 413 problem before anything
    /// reads it, whatever the server. Kestrel's own limit (set to the same value) also stops chunked bodies that grow
    /// past it while they are read.
    /// </summary>
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app, long maxBytes) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.ContentLength is { } length && length > maxBytes)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status413PayloadTooLarge,
                        Type = ProblemTypes.RequestTooLarge,
                        Title = "Request body too large",
                        Detail = $"The body is {length} bytes; the limit is {maxBytes}.",
                    },
                });
                return;
            }

            await next(context);
        });
}
