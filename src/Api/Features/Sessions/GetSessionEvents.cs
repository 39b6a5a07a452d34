using System.Text.Json;
using System.Text.Json.Nodes;
using EventApi.Api.Infrastructure;
using EventApi.Domain.Sessions;
using Marten;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace EventApi.Api.Features.Sessions;

/// <summary>One event of a session's stream.</summary>
public sealed record SessionEventResponse
{
    /// <summary>The event's version in its stream, from 1.</summary>
    /// <example>2</example>
    public required long Version { get; init; }

    /// <summary>The event's position in the whole store.</summary>
    /// <example>42</example>
    public required long Sequence { get; init; }

    /// <summary>The event type.</summary>
    /// <example>tiles_moved</example>
    public required string Type { get; init; }

    /// <summary>When the store recorded it.</summary>
    /// <example>2026-11-22T12:00:01+00:00</example>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The event itself, as anyone may see it: never the callback URL, and while a sealed session is active its seed and secret show as null.</summary>
    /// <example>{"direction":"left","merged":[],"scoreGained":0,"spawned":{"x":3,"y":1,"value":2},"at":"2026-11-22T12:00:01+00:00"}</example>
    public required JsonNode? Data { get; init; }
}

public static class GetSessionEventsEndpoint
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/sessions/{id:guid}/events", Handle)
            .WithName("getSessionEvents")
            .WithSummary("Get a session's events")
            .WithDescription("The session's stream, in order, as anyone may see it. The callback URL is never shown. While a sealed session is active its secret is redacted (null); the events that end the game reveal it, and from then on it is shown.")
            .DocumentHeaders([], (200, HeaderDocs.ETag))
            .Produces<SessionEventResponse[]>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static async Task<IResult> Handle(Guid id, HttpContext http, IQuerySession session, IOptions<JsonOptions> json,
        CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(id, token: ct);
        if (events.Count == 0) return Problems.SessionNotFound(id);

        var state = SessionDecider.Fold(events.Select(e => e.Data));
        var options = json.Value.SerializerOptions;
        var response = events.Select(e =>
        {
            var data = PublicEvents.Data(e.Data, state);
            return new SessionEventResponse
            {
                Version = e.Version,
                Sequence = e.Sequence,
                Type = PublicEventNames.Of(e),
                Timestamp = e.Timestamp,
                Data = JsonSerializer.SerializeToNode(data, data.GetType(), options),
            };
        }).ToArray();

        http.Response.Headers.ETag = ETags.For(events[^1].Version);
        return TypedResults.Ok(response);
    }
}
