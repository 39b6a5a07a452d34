using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EventApi.Integration.Infrastructure;

namespace EventApi.Integration.Contract;

/// <summary>Every problem has one shape, whoever makes it: the endpoint, a filter, the framework's status codes or the
/// exception handler.</summary>
public sealed class ProblemShapeTests(ApiFactory api) : ApiTest(api)
{
    public static TheoryData<string, string, string?, string?, int> Problems => new()
    {
        { "406 from the Accept filter", "/leaderboard", null, "text/html", 406 },
        { "415 from the framework", "/sessions", "text/plain", null, 415 },
        { "415 for a charset", "/sessions", "application/json; charset=bogus", null, 415 },
        { "404 of an unknown route", "/nowhere", null, null, 404 },
        { "404 of an id that is no GUID", "/sessions/not-a-guid", null, null, 404 },
        { "400 of a validator", "/sessions", "application/json", null, 400 },
        { "400 of a body that is no JSON", "/sessions", "application/json", "application/json", 400 },
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public async Task a_problem_has_type_title_status_detail_instance_and_trace_id(string what, string path, string? contentType,
        string? accept, int status)
    {
        using var request = new HttpRequestMessage(contentType is null ? HttpMethod.Get : HttpMethod.Post, path);
        if (contentType is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(what.Contains("no JSON") ? "{" : """{"player":""}"""));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);

        using var response = await Client.SendAsync(request);

        ((int)response.StatusCode).ShouldBe(status, what);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json", what);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        problem["type"]!.GetValue<string>().ShouldStartWith("urn:eventapi:problem:", Case.Sensitive, what);
        problem["status"]!.GetValue<int>().ShouldBe(status, what);
        foreach (var member in new[] { "title", "detail", "instance", "traceId" })
            problem[member]?.GetValue<string>().ShouldNotBeNullOrWhiteSpace($"{what}: {member}");
        problem["instance"]!.GetValue<string>().ShouldBe(path, what);
    }
}
