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

        return ValueTask.FromResult<object?>(Problems.Create(StatusCodes.Status406NotAcceptable, ProblemTypes.NotAcceptable,
            "Not acceptable", "This endpoint answers with application/json (problems with application/problem+json); the Accept header allows neither."));
    }
}

public static class ContentNegotiation
{
    /// <summary>The API's endpoints under this group negotiate JSON (406 otherwise).</summary>
    public static RouteGroupBuilder NegotiatesJson(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter<JsonAcceptFilter>();
        group.ProducesProblem(StatusCodes.Status406NotAcceptable);
        return group;
    }
}
