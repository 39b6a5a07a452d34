using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventApi.Api.Features.Claims;

namespace EventApi.Integration.Infrastructure;

/// <summary>Talks to the claims API the way a REST client does.</summary>
public static class ClaimsClient
{
    /// <summary>A claim request whose body is serialized up front, so that it declares its Content-Length.</summary>
    public static HttpRequestMessage ClaimRequest(object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/claims")
        {
            Content = SessionsClient.RawJson(JsonSerializer.Serialize(body, SessionsClient.Json)),
        };
        if (idempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        return request;
    }

    public static async Task<HttpResponseMessage> ClaimAsync(this HttpClient client, uint seed, IEnumerable<string> moves,
        long claimedScore, string player = "alice", string? idempotencyKey = null)
    {
        using var request = ClaimRequest(new { player, seed, moves, claimedScore }, idempotencyKey);
        return await client.SendAsync(request);
    }

    /// <summary>Claims <paramref name="game"/> at its score and asserts it is verified.</summary>
    public static async Task<ClaimResponse> ClaimVerifiedAsync(this HttpClient client, OfflineGame game, string player = "alice")
    {
        using var response = await client.ClaimAsync(game.Seed, game.Moves, game.Game.Score, player);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ClaimResponse>(SessionsClient.Json))!;
    }

    public static async Task<ClaimResponse> GetClaimAsync(this HttpClient client, Guid id)
    {
        using var response = await client.GetAsync($"/claims/{id}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ClaimResponse>(SessionsClient.Json))!;
    }
}
