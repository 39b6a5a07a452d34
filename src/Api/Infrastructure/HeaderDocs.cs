namespace EventApi.Api.Infrastructure;

/// <summary>The HTTP headers an endpoint reads and writes, for its OpenAPI description.</summary>
public sealed record HeaderDocs(IReadOnlyList<string> Request, IReadOnlyList<(int Status, string Header)> Response)
{
    public const string IfMatch = "If-Match";
    public const string IfNoneMatch = "If-None-Match";
    public const string IdempotencyKey = "Idempotency-Key";
    public const string ETag = "ETag";
    public const string Location = "Location";
    public const string Link = "Link";
    public const string RetryAfter = "Retry-After";
    public const string LastEventId = "Last-Event-ID";

    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>
    {
        [IfMatch] = "Act only if the session is still at this version: its ETag, such as \"7\" (quotes included), or *. Otherwise 412 and nothing is appended.",
        [IfNoneMatch] = "The ETag of the copy the client has; 304 while the session is still at that version.",
        [IdempotencyKey] = "1 to 255 visible ASCII characters (a UUID is a good choice). A retry with the same key and body returns the first response again and appends nothing; the same key with another body is 422. Keys are kept at least 24 hours.",
        [ETag] = "The session's stream version, quoted, such as \"7\".",
        [Location] = "The new resource's URL: the session's, or the claim's.",
        [Link] = "The next page, as RFC 8288 gives it: </sessions/{id}/events?after={version}&limit={limit}>; rel=\"next\", a relative URL. Absent on the last page.",
        [RetryAfter] = "Seconds to wait before trying again.",
        [LastEventId] = "The id of the last frame the client received (browsers send it when they reconnect): the stream resumes with the events after that version.",
    };

    /// <summary>A request header's schema: Idempotency-Key's length and characters; the ETags' text.</summary>
    public static Microsoft.OpenApi.OpenApiSchema Schema(string header) => header switch
    {
        IdempotencyKey => new() { Type = Microsoft.OpenApi.JsonSchemaType.String, MinLength = 1, MaxLength = 255, Pattern = "^[\\x21-\\x7E]+$" },
        _ => new() { Type = Microsoft.OpenApi.JsonSchemaType.String },
    };
}

public static class HeaderDocsExtensions
{
    public static RouteHandlerBuilder DocumentHeaders(this RouteHandlerBuilder builder,
        string[] request, params (int Status, string Header)[] response) =>
        builder.WithMetadata(new HeaderDocs(request, response));
}
