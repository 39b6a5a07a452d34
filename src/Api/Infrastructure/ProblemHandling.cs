using System.Text.Json;
using System.Text.RegularExpressions;
using JasperFx;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace EventApi.Api.Infrastructure;

/// <summary>
/// Turns what escapes an endpoint into a problem: bad input the framework caught (malformed JSON, wrong types,
/// a body too large or of the wrong media type) is a 4xx, a lost optimistic-concurrency race is 409, PostgreSQL
/// out of reach is 503, and anything else a 500 that says nothing of its cause.
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, DatabaseOutage outage,
    ILogger<ProblemExceptionHandler> logger)
    : IExceptionHandler
{
    /// <summary>How long a client is told to wait while PostgreSQL is out of reach.</summary>
    private static readonly TimeSpan DatabaseRetryAfter = TimeSpan.FromSeconds(5);

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, type, title, detail) = Classify(exception);
        if (status >= 500 && status != StatusCodes.Status503ServiceUnavailable)
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", context.Request.Method, context.Request.Path);
        else
            logger.LogInformation("{Method} {Path} answered {Status}: {Reason}", context.Request.Method, context.Request.Path, status, exception.Message);

        context.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            RetryAfter.Set(context.Response, DatabaseRetryAfter);
            outage.Report(exception);
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Type = type, Title = title, Detail = detail },
        });
    }

    /// <summary>What an exception that escaped an endpoint is, as a problem.</summary>
    public static (int Status, string Type, string Title, string? Detail) Classify(Exception exception) => exception switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            (413, ProblemTypes.RequestTooLarge, "Request body too large", exception.Message),
        BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } =>
            (415, ProblemTypes.UnsupportedMediaType, "Unsupported media type", "Send the body as application/json."),
        BadHttpRequestException { InnerException: JsonException json } =>
            (400, ProblemTypes.MalformedRequest, "Malformed request body", Describe(json)),
        BadHttpRequestException bad when FailedBinding().Match(bad.Message) is { Success: true } binding =>
            (400, ProblemTypes.MalformedRequest, "Bad request", Describe(binding.Groups["type"].Value, binding.Groups["name"].Value)),
        BadHttpRequestException bad =>
            (bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : 400, ProblemTypes.ForStatus(bad.StatusCode), "Bad request", bad.Message),
        ConcurrencyException =>
            (409, ProblemTypes.ConcurrencyConflict, "Concurrent change", "The session changed while this request was being handled; fetch it and try again."),
        _ when DatabaseOutage.IsUnavailable(exception) =>
            (503, ProblemTypes.DatabaseUnavailable, "Database unavailable", "PostgreSQL cannot be reached; try again shortly."),
        OperationCanceledException =>
            (499, ProblemTypes.InternalError, "Request cancelled", "The request was cancelled before it was answered."),
        _ => (500, ProblemTypes.InternalError, "Internal server error", "An unexpected error occurred; the server logged it under this traceId."),
    };

    /// <summary>Where the body went wrong, in the client's terms (JSON paths), never the server's type names.</summary>
    private static string Describe(JsonException json)
    {
        var at = string.IsNullOrEmpty(json.Path) ? "$" : json.Path;
        if (UnknownProperty().Match(json.Message) is { Success: true } unknown)
            return $"The body has a property this endpoint does not know: '{unknown.Groups[1].Value}' at {at}.";
        if (DuplicateProperty().Match(json.Message) is { Success: true } duplicate)
            return $"The body gives the property '{duplicate.Groups[1].Value}' more than once at {at}.";
        if (json.Message.Contains("could not be converted", StringComparison.Ordinal))
            return $"The value at {at} has the wrong type for this endpoint.";
        return json.LineNumber is { } line
            ? $"The body is not valid JSON (line {line + 1}, byte {json.BytePositionInLine + 1})."
            : "The body is not valid JSON.";
    }

    [GeneratedRegex("^The JSON property '(.{1,200})' could not be mapped")]
    private static partial Regex UnknownProperty();

    [GeneratedRegex("^Duplicate property '(.{1,200})' encountered")]
    private static partial Regex DuplicateProperty();

    /// <summary>ASP.NET's message for a route or query value that does not parse, which names .NET types.</summary>
    [GeneratedRegex("^Failed to bind parameter \"(?<type>[^\"]{1,100}) (?<name>[^\" ]{1,100})\" from")]
    private static partial Regex FailedBinding();

    /// <summary>What a parameter must look like, in the client's terms: the OpenAPI document's, not .NET's.</summary>
    private static string Describe(string type, string name)
    {
        var shape = type.Replace("Nullable<", "", StringComparison.Ordinal).TrimEnd('>') switch
        {
            "int" or "long" or "Int32" or "Int64" => "a whole number",
            "DateTimeOffset" or "DateTime" => "a date and time in ISO 8601 with an offset, such as 2026-11-22T12:00:00Z",
            "DateOnly" => "a date in the form yyyy-MM-dd",
            "Guid" => "a GUID such as 0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10",
            "bool" or "Boolean" => "true or false",
            _ => "a value of the type the OpenAPI document gives",
        };
        return $"The parameter '{name}' must be {shape}.";
    }
}

/// <summary>The one shape of every problem: a stable type, a title and a detail, the request's path as instance, and its
/// trace id.</summary>
public static class ProblemShape
{
    public static void Complete(ProblemDetails problem, HttpContext http)
    {
        var status = problem.Status ?? http.Response.StatusCode;
        if (problem.Type is null || problem.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
        {
            // A bare status code (an unknown route, a wrong method or media type): say what it means here.
            problem.Type = ProblemTypes.ForStatus(status);
            (problem.Title, problem.Detail) = status switch
            {
                StatusCodes.Status404NotFound => ("Not found", problem.Detail ?? "No route of this API matches the request's path."),
                StatusCodes.Status405MethodNotAllowed => ("Method not allowed", problem.Detail ?? $"The route does not take {http.Request.Method}; the Allow header lists what it takes."),
                StatusCodes.Status415UnsupportedMediaType => ("Unsupported media type", problem.Detail ?? "Send the body as application/json in UTF-8."),
                _ => (problem.Title, problem.Detail),
            };
        }

        problem.Detail ??= problem is HttpValidationProblemDetails
            ? "One or more fields are invalid; see errors."
            : $"{problem.Title}.";
        problem.Instance ??= http.Request.Path;
        problem.Extensions["traceId"] = http.TraceIdentifier;
    }
}

public static class ProblemDetailsSetup
{
    /// <summary>Problem details for every error, including bare status codes (unknown routes, 405, 415).</summary>
    public static IServiceCollection AddEventApiProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            ProblemShape.Complete(context.ProblemDetails, context.HttpContext));
        // After ASP.NET Core's writer, which writes only what the Accept header allows: a stream's client accepts
        // text/event-stream, and its errors are problems all the same.
        services.AddSingleton<IProblemDetailsWriter, ProblemJsonWriter>();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services;
    }
}

/// <summary>
/// Writes a problem as <c>application/problem+json</c> whatever the request's Accept header says: the last of the
/// problem writers, for the requests ASP.NET Core's own writer declines (a live stream's <c>Accept: text/event-stream</c>).
/// A problem keeps its one shape (<see cref="ProblemShape.Complete"/>) however it is written.
/// </summary>
public sealed class ProblemJsonWriter(IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        ProblemShape.Complete(problem, context.HttpContext);
        return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(problem, problem.GetType(), json.Value.SerializerOptions,
            "application/problem+json", context.HttpContext.RequestAborted));
    }
}
