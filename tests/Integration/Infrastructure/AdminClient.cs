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

    /// <summary>Sends an admin request, asserts its status, and returns its JSON body.</summary>
    public static async Task<JsonElement> SendAdminJsonAsync(this HttpClient client, HttpMethod method, string path, HttpStatusCode expected)
    {
        using var response = await client.SendAdminAsync(method, path);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static Task<JsonElement> GetAdminJsonAsync(this HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK) =>
        client.SendAdminJsonAsync(HttpMethod.Get, path, expected);

    /// <summary>GET /admin/projections, asserted 200.</summary>
    public static Task<JsonElement> GetProjectionsAsync(this HttpClient client) => client.GetAdminJsonAsync("/admin/projections");

    /// <summary>One shard of GET /admin/projections, by name.</summary>
    public static async Task<JsonElement> GetShardAsync(this HttpClient client, string shard) =>
        (await client.GetProjectionsAsync()).GetProperty("shards").EnumerateArray()
        .Single(s => s.GetProperty("name").GetString() == shard);

    /// <summary>POST /admin/projections/{name}/rebuild, asserted 200.</summary>
    public static Task<JsonElement> RebuildAsync(this HttpClient client, string projection) =>
        client.SendAdminJsonAsync(HttpMethod.Post, $"/admin/projections/{projection}/rebuild", HttpStatusCode.OK);
}
