using System.Net;
using System.Text.Json;
using EventApi.Integration.Infrastructure;

namespace EventApi.Integration.OpenApi;

public sealed class OpenApiDocumentTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task the_document_passes_spectral_oas_and_redocly_recommended_with_no_errors_or_warnings()
    {
        var document = await Client.GetStringAsync("/swagger/v1/swagger.json");
        var file = Path.Combine(Path.GetTempPath(), $"eventapi-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, document);
        try
        {
            var lint = await Commands.RunAsync("bash", [Path.Combine(ApiProcess.RepositoryRoot, "scripts", "lint-openapi.sh"), file],
                TimeSpan.FromMinutes(5));

            lint.ExitCode.ShouldBe(0, lint.Output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("/sessions", "post", "startSession", "201")]
    [InlineData("/sessions", "get", "listSessions", "200")]
    [InlineData("/sessions/{id}", "get", "getSession", "200")]
    [InlineData("/sessions/{id}/moves", "post", "makeMoves", "200")]
    [InlineData("/sessions/{id}/abandon", "post", "abandonSession", "200")]
    [InlineData("/sessions/{id}/events", "get", "getSessionEvents", "200")]
    [InlineData("/sessions/{id}/timeline", "get", "getSessionTimeline", "200")]
    [InlineData("/sessions/{id}/replay", "get", "replaySession", "200")]
    [InlineData("/sessions/{id}/live", "get", "watchSession", "200")]
    [InlineData("/stats", "get", "getStatistics", "200")]
    [InlineData("/stats/daily/{day}", "get", "getDailyStatistics", "200")]
    [InlineData("/players/{player}/stats", "get", "getPlayerStatistics", "200")]
    [InlineData("/leaderboard", "get", "getLeaderboard", "200")]
    [InlineData("/leaderboard/daily/{day}", "get", "getDailyLeaderboard", "200")]
    [InlineData("/challenges/{day}", "get", "getChallenge", "200")]
    [InlineData("/claims", "post", "submitClaim", "201")]
    [InlineData("/claims/{id}", "get", "getClaim", "200")]
    [InlineData("/admin/projections", "get", "getProjections", "200")]
    [InlineData("/admin/projections/{name}/rebuild", "post", "rebuildProjection", "200")]
    [InlineData("/players/{player}/achievements", "get", "getPlayerAchievements", "200")]
    [InlineData("/admin/side-effects", "get", "getSideEffects", "200")]
    [InlineData("/admin/dead-letters", "get", "getDeadLetters", "200")]
    [InlineData("/admin/dead-letters/replay", "post", "replayDeadLetters", "202")]
    [InlineData("/admin/dead-letters/{id}/replay", "post", "replayDeadLetter", "202")]
    [InlineData("/admin/dead-letters/{id}", "delete", "discardDeadLetter", "200")]
    public async Task every_endpoint_is_described_with_its_responses_and_problem_examples(string path, string method, string operationId, string success)
    {
        using var document = JsonDocument.Parse(await Client.GetStringAsync("/swagger/v1/swagger.json"));
        var operation = document.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method);

        operation.GetProperty("operationId").GetString().ShouldBe(operationId);
        operation.GetProperty("summary").GetString().ShouldNotBeNullOrWhiteSpace();
        operation.GetProperty("description").GetString().ShouldNotBeNullOrWhiteSpace();
        var responses = operation.GetProperty("responses");
        responses.TryGetProperty(success, out _).ShouldBeTrue();
        var problems = responses.EnumerateObject().Where(r => r.Name[0] is '4' or '5').ToArray();
        problems.ShouldNotBeEmpty();
        foreach (var problem in problems)
        {
            var media = problem.Value.GetProperty("content").GetProperty("application/problem+json");
            media.GetProperty("example").GetProperty("type").GetString()!.ShouldStartWith("urn:eventapi:problem:");
            media.GetProperty("example").GetProperty("status").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture).ShouldBe(problem.Name);
            // A request's path, as a real answer has it: no template, no route constraint.
            var instance = media.GetProperty("example").GetProperty("instance").GetString()!;
            instance.ShouldNotContain("{");
            instance.ShouldNotContain("%7B");
        }
    }

    [Theory]
    [InlineData("/sessions", "post")]
    [InlineData("/claims", "post")]
    [InlineData("/sessions/{id}/moves", "post")]
    [InlineData("/sessions/{id}/abandon", "post")]
    public async Task every_endpoint_a_limit_can_refuse_describes_its_429_with_retry_after(string path, string method)
    {
        using var document = JsonDocument.Parse(await Client.GetStringAsync("/swagger/v1/swagger.json"));
        var tooMany = document.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses").GetProperty("429");

        tooMany.GetProperty("content").GetProperty("application/problem+json").GetProperty("example").GetProperty("type").GetString()
            .ShouldBe("urn:eventapi:problem:too-many-requests");
        tooMany.GetProperty("headers").GetProperty("Retry-After").GetProperty("schema").GetProperty("type").GetString().ShouldBe("integer");
    }

    [Fact]
    public async Task the_events_describe_their_page_parameters_and_the_etag_and_next_link_headers()
    {
        using var document = JsonDocument.Parse(await Client.GetStringAsync("/swagger/v1/swagger.json"));
        var operation = document.RootElement.GetProperty("paths").GetProperty("/sessions/{id}/events").GetProperty("get");

        var parameters = operation.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("schema"));
        parameters["after"].GetProperty("minimum").GetInt64().ShouldBe(0);
        (parameters["limit"].GetProperty("minimum").GetInt32(), parameters["limit"].GetProperty("maximum").GetInt32()).ShouldBe((1, 5000));
        var headers = operation.GetProperty("responses").GetProperty("200").GetProperty("headers");
        headers.EnumerateObject().Select(h => h.Name).ShouldBe(["ETag", "Link"], ignoreOrder: true);
        headers.GetProperty("Link").GetProperty("description").GetString()!.ShouldContain("rel=\"next\"");
    }

    [Fact]
    public async Task the_swagger_ui_is_served()
    {
        using var response = await Client.GetAsync("/swagger/index.html");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldContain("swagger-ui");
    }
}
