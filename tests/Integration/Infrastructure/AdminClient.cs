using System.Net;
using System.Text.Json;

namespace EventApi.Integration.Infrastructure;

/// <summary>Talks to the admin endpoints with the test host's admin key (or the key given).</summary>
public static class AdminClient
{
    public const string Header = "X-Admin-Key";

    public static async Task<HttpResponseMessage> SendAdminAsync(this HttpClient client, HttpMethod method, string path,
        string? key = ApiFactory.AdminKey)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null) request.Headers.TryAddWithoutValidation(Header, key);
        return await client.SendAsync(request);
    }

    /// <summary>GET /admin/projections, asserted 200.</summary>
    public static async Task<JsonElement> GetProjectionsAsync(this HttpClient client)
    {
        using var response = await client.SendAdminAsync(HttpMethod.Get, "/admin/projections");
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>One shard of GET /admin/projections, by name.</summary>
    public static async Task<JsonElement> GetShardAsync(this HttpClient client, string shard) =>
        (await client.GetProjectionsAsync()).GetProperty("shards").EnumerateArray()
        .Single(s => s.GetProperty("name").GetString() == shard);

    /// <summary>POST /admin/projections/{name}/rebuild, asserted 200.</summary>
    public static async Task<JsonElement> RebuildAsync(this HttpClient client, string projection)
    {
        using var response = await client.SendAdminAsync(HttpMethod.Post, $"/admin/projections/{projection}/rebuild");
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
