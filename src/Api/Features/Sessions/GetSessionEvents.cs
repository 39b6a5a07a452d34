using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventApi.Api.Infrastructure;
using EventApi.Domain.Sessions;
using EventApi.Projections.Sessions;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
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

    /// <summary><paramref name="e"/> as the public sees it while the session is <paramref name="now"/>
    /// (<see cref="PublicEvents"/>): every reader of events (<c>/events</c>, the live frames) makes it here.</summary>
    public static SessionEventResponse From(IEvent e, SessionState now, JsonSerializerOptions json)
    {
        var data = PublicEvents.Data(e.Data, now);
        return new SessionEventResponse
        {
            Version = e.Version,
            Sequence = e.Sequence,
            Type = PublicEventNames.Of(e),
            Timestamp = e.Timestamp,
            Data = JsonSerializer.SerializeToNode(data, data.GetType(), json),
        };
    }
}

public static class GetSessionEventsEndpoint
{
    public const int DefaultLimit = 1000;
    public const int MaxLimit = 5000;

    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/sessions/{id:guid}/events", Handle)
            .WithName("getSessionEvents")
            .WithSummary("Get a session's events")
            .WithDescription("The session's stream, in version order, as anyone may see it, a page at a time: the events after version `after` (0 by default: from the first event), at most `limit` of them (1 to 5000, 1000 by default). When more events follow, the Link header names the next page (rel=\"next\"); the last page has none. An `after` at or beyond the stream's version gives an empty page, so a poller that is up to date gets []. ETag is the stream's current version. The callback URL is never shown. While a sealed session is active its secret is redacted (null); the events that end the game reveal it, and from then on it is shown.")
            .DocumentHeaders([], (200, HeaderDocs.ETag), (200, HeaderDocs.Link))
            .Produces<SessionEventResponse[]>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <param name="id">The session.</param>
    /// <param name="after">The page starts after this version: 0 (the default) for the first page, the last version a poller has for what is new.</param>
    /// <param name="limit">At most this many events, 1 to 5000 (1000 by default).</param>
    /// <param name="http">The request.</param>
    /// <param name="session">Marten.</param>
    /// <param name="json">The API's JSON options, for the events' data.</param>
    /// <param name="ct">The request's cancellation.</param>
    public static async Task<IResult> Handle(Guid id, [Range(0, long.MaxValue)] long? after, [Range(1, MaxLimit)] int? limit,
        HttpContext http, IQuerySession session, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var from = after ?? 0;
        var take = limit ?? DefaultLimit;
        if (InvalidPage(from, take) is { } invalid) return invalid;

        // One round trip: the inline view, whose state says what the public may see (the same as folding the whole
        // stream), and the page, one event more than it holds to know whether another page follows.
        var batch = session.CreateBatchQuery();
        var viewing = batch.Load<SessionView>(id);
        var paging = batch.Events(id, from, from + take + 1);
        await batch.Execute(ct);

        var view = await viewing;
        if (view is null) return Problems.SessionNotFound(id);
        var page = await paging;
        var events = page.Take(take).ToArray();

        var options = json.Value.SerializerOptions;
        var response = events.Select(e => SessionEventResponse.From(e, view.State, options)).ToArray();

        // The two statements of the batch may see the stream a moment apart: the ETag is never behind the page.
        http.Response.Headers.ETag = ETags.For(Math.Max(view.Version, events.Length == 0 ? 0 : events[^1].Version));
        if (page.Count > take) http.Response.Headers.Link = NextPage(id, events[^1].Version, take);
        return TypedResults.Ok(response);
    }

    /// <summary>The 400 for an <c>after</c> or a <c>limit</c> out of range, naming each; null when both are in range.</summary>
    public static ValidationProblem? InvalidPage(long after, int limit)
    {
        var errors = new Dictionary<string, string[]>();
        if (after < 0) errors["after"] = ["'after' must be a version: 0 or more."];
        if (limit is < 1 or > MaxLimit) errors["limit"] = [Problems.LimitMessage(MaxLimit)];
        return errors.Count == 0 ? null : Problems.InvalidQuery(errors);
    }

    /// <summary>The Link header of the page after <paramref name="version"/> (RFC 8288), relative to the API.</summary>
    public static string NextPage(Guid id, long version, int limit) =>
        $"</sessions/{id}/events?after={version}&limit={limit}>; rel=\"next\"";
}
