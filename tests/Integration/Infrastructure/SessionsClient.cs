using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EventApi.Api.Features.Challenges;
using EventApi.Api.Features.Sessions;

namespace EventApi.Integration.Infrastructure;

/// <summary>A page of a session's events as the API answered it: the events, the relative URL of the next page (null
/// on the last page), the ETag, and the body as sent.</summary>
public sealed record EventsPage(JsonElement[] Events, string? Next, string ETag, string Body);

/// <summary>Talks to the sessions API the way a REST client does: JSON over HTTP, nothing else.</summary>
public static partial class SessionsClient
{
    public static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public static async Task<StartedSessionResponse> StartAsync(this HttpClient client, string player = "alice", long? seed = 12345,
        string? callbackUrl = null)
    {
        using var response = await client.PostAsJsonAsync("/sessions", new { player, seed, callbackUrl }, Json);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<StartedSessionResponse>(Json))!;
    }

    public static HttpRequestMessage MovesRequest(Guid id, string? token, IEnumerable<string> moves,
        string? ifMatch = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/sessions/{id}/moves")
        {
            Content = JsonContent.Create(new { moves }, options: Json),
        };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        if (idempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        return request;
    }

    public static async Task<HttpResponseMessage> MoveAsync(this HttpClient client, Guid id, string? token,
        IEnumerable<string> moves, string? ifMatch = null, string? idempotencyKey = null)
    {
        using var request = MovesRequest(id, token, moves, ifMatch, idempotencyKey);
        return await client.SendAsync(request);
    }

    public static async Task<SessionResponse> MoveOkAsync(this HttpClient client, Guid id, string token, params string[] moves)
    {
        using var response = await client.MoveAsync(id, token, moves);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<SessionResponse>(Json))!;
    }

    public static async Task<HttpResponseMessage> AbandonAsync(this HttpClient client, Guid id, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/sessions/{id}/abandon");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }

    /// <summary>Abandons the session, asserts it answers 200, and returns the session as it ended.</summary>
    public static async Task<SessionResponse> AbandonOkAsync(this HttpClient client, Guid id, string token)
    {
        using var response = await client.AbandonAsync(id, token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<SessionResponse>(Json))!;
    }

    public static async Task<SessionResponse> GetSessionAsync(this HttpClient client, Guid id)
    {
        using var response = await client.GetAsync($"/sessions/{id}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<SessionResponse>(Json))!;
    }

    /// <summary>The challenge of a UTC day (yyyy-MM-dd): its seed.</summary>
    public static async Task<ChallengeResponse> GetChallengeAsync(this HttpClient client, string day) =>
        (await client.GetFromJsonAsync<ChallengeResponse>($"/challenges/{day}", Json))!;

    /// <summary>GET /sessions with <paramref name="query"/>: asserts it answers 200 and returns the sessions listed.</summary>
    public static async Task<SessionListItem[]> ListSessionsAsync(this HttpClient client, string query = "")
    {
        using var response = await client.GetAsync($"/sessions{query}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<SessionListItem[]>(Json))!;
    }

    /// <summary>The session's whole stream: every page of its events, following the next links.</summary>
    public static async Task<JsonElement[]> GetEventsAsync(this HttpClient client, Guid id) =>
        [.. (await client.GetEventPagesAsync($"/sessions/{id}/events")).SelectMany(page => page.Events)];

    /// <summary>The page at <paramref name="url"/> and every page its next links lead to, in order.</summary>
    public static async Task<List<EventsPage>> GetEventPagesAsync(this HttpClient client, string url)
    {
        var pages = new List<EventsPage>();
        for (string? next = url; next is not null; next = pages[^1].Next) pages.Add(await client.GetEventsPageAsync(next));
        return pages;
    }

    /// <summary>One page of a session's events: asserts it answers 200, and reads its ETag and its next link.</summary>
    public static async Task<EventsPage> GetEventsPageAsync(this HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        string? next = null;
        if (response.Headers.TryGetValues("Link", out var links))
        {
            var link = NextLink().Match(links.ShouldHaveSingleItem());
            link.Success.ShouldBeTrue($"Link: {links.Single()}");
            next = link.Groups["url"].Value;
        }

        return new EventsPage(JsonSerializer.Deserialize<JsonElement[]>(body, Json)!, next, response.Headers.ETag!.Tag, body);
    }

    [GeneratedRegex("^<(?<url>/[^>]+)>; rel=\"next\"$")]
    private static partial Regex NextLink();

    /// <summary>Asserts the response is a problem with the given status and type, and returns it.</summary>
    public static async Task<Problem> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", body);
        var problem = JsonSerializer.Deserialize<Problem>(body, Json)!;
        problem.Type.ShouldBe(type, body);
        problem.Status.ShouldBe((int)status);
        return problem;
    }

    public static StringContent RawJson(string body, string mediaType = "application/json") =>
        new(body, Encoding.UTF8, mediaType);
}
