using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EventApi.Api.Features.Sessions;

namespace EventApi.Integration.Infrastructure;

/// <summary>Talks to the sessions API the way a REST client does: JSON over HTTP, nothing else.</summary>
public static class SessionsClient
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

    public static async Task<JsonElement[]> GetEventsAsync(this HttpClient client, Guid id)
    {
        using var response = await client.GetAsync($"/sessions/{id}/events");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement[]>(Json))!;
    }

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
