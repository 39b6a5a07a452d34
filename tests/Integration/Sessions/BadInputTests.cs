using System.Net;
using System.Text;
using EventApi.Integration.Infrastructure;
using EventApi.Projections.Sessions;
using Marten;

namespace EventApi.Integration.Sessions;

/// <summary>Bad input of any shape is a 4xx problem, never a 5xx, and never changes a stream.</summary>
public sealed class BadInputTests(ApiFactory api) : ApiTest(api)
{
    private const string Validation = "urn:eventapi:problem:validation-failed";
    private const string Malformed = "urn:eventapi:problem:malformed-request";

    [Theory]
    [InlineData("{}", Validation)]
    [InlineData("""{"player":""}""", Validation)]
    [InlineData("""{"player":"   "}""", Validation)]
    [InlineData("""{"player":"abcdefghijklmnopqrstuvwxyz1234567"}""", Validation)]
    [InlineData("""{"player":"bad\u0001name"}""", Validation)]
    [InlineData("""{"player":"alice","seed":-1}""", Validation)]
    [InlineData("""{"player":"alice","seed":4294967296}""", Validation)]
    [InlineData("""{"player":"alice","callbackUrl":"ftp://example.org/x"}""", Validation)]
    [InlineData("""{"player":"alice","callbackUrl":"/relative"}""", Validation)]
    [InlineData("""{"player":"alice","callbackUrl":"not a url"}""", Validation)]
    [InlineData("""{"player":"alice","seed":1.5}""", Malformed)]
    [InlineData("""{"player":"alice","seed":"12"}""", Malformed)]
    [InlineData("""{"player":42}""", Malformed)]
    [InlineData("""{"player":"alice","extra":true}""", Malformed)]
    [InlineData("""{"player":""", Malformed)]
    [InlineData("[]", Malformed)]
    [InlineData("\"alice\"", Malformed)]
    [InlineData("null", Malformed)]
    [InlineData("", Malformed)]
    [InlineData("""{"player":"alice","player":"bob"}""", Malformed)]
    public async Task a_bad_start_request_is_a_400_problem_and_starts_nothing(string body, string type)
    {
        using var response = await Client.PostAsync("/sessions", SessionsClient.RawJson(body));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, type);
        await ShouldHaveNoSessions();
    }

    [Fact]
    public async Task validation_lists_every_failing_field_by_its_json_name()
    {
        using var response = await Client.PostAsync("/sessions",
            SessionsClient.RawJson("""{"player":"","seed":-1,"callbackUrl":"mailto:a@b.c"}"""));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, Validation);
        problem.Errors!.Keys.ShouldBe(["player", "seed", "callbackUrl"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("{}", Validation)]
    [InlineData("""{"moves":[]}""", Validation)]
    [InlineData("""{"moves":["diagonal"]}""", Validation)]
    [InlineData("""{"moves":["LEFT"]}""", Validation)]
    [InlineData("""{"moves":[null]}""", Validation)]
    [InlineData("""{"moves":[1]}""", Malformed)]
    [InlineData("""{"moves":"left"}""", Malformed)]
    [InlineData("""{"moves":["left"],"extra":1}""", Malformed)]
    [InlineData("""{"moves":["left"]""", Malformed)]
    [InlineData("not json", Malformed)]
    [InlineData("""{"moves":["sideways"],"moves":["left"]}""", Malformed)]
    public async Task a_bad_moves_request_is_a_400_problem_and_appends_nothing(string body, string type)
    {
        var started = await Client.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/sessions/{started.Id}/moves") { Content = SessionsClient.RawJson(body) };
        request.Headers.Authorization = new("Bearer", started.Token);

        using var response = await Client.SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, type);
        (await Client.GetSessionAsync(started.Id)).Version.ShouldBe(1);
    }

    [Fact]
    public async Task every_unknown_direction_is_named_by_its_index()
    {
        var started = await Client.StartAsync();

        using var response = await Client.MoveAsync(started.Id, started.Token, ["left", "north", "up", "south"]);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, Validation);
        problem.Errors!.Keys.ShouldBe(["moves[1]", "moves[3]"], ignoreOrder: true);
    }

    [Fact]
    public async Task more_than_a_thousand_moves_is_a_400_problem()
    {
        var started = await Client.StartAsync();

        using var response = await Client.MoveAsync(started.Id, started.Token, Enumerable.Repeat("left", 1001));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, Validation);
        (await Client.GetSessionAsync(started.Id)).Version.ShouldBe(1);
    }

    [Fact]
    public async Task a_huge_body_is_a_413_problem()
    {
        var started = await Client.StartAsync();
        var huge = "{\"moves\":[" + string.Join(',', Enumerable.Repeat("\"left\"", 60_000)) + "]}";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/sessions/{started.Id}/moves") { Content = SessionsClient.RawJson(huge) };
        request.Headers.Authorization = new("Bearer", started.Token);

        using var response = await Client.SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "urn:eventapi:problem:request-too-large");
        (await Client.GetSessionAsync(started.Id)).Version.ShouldBe(1);
    }

    [Fact]
    public async Task a_body_that_is_not_json_is_a_415_problem()
    {
        using var response = await Client.PostAsync("/sessions", new StringContent("player=alice", Encoding.UTF8, "application/x-www-form-urlencoded"));

        await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "urn:eventapi:problem:unsupported-media-type");
        await ShouldHaveNoSessions();
    }

    [Fact]
    public async Task a_property_given_twice_is_named_in_the_problem()
    {
        using var response = await Client.PostAsync("/sessions", SessionsClient.RawJson("""{"player":"alice","seed":1,"seed":2}"""));

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, Malformed)).Detail!.ShouldContain("'seed' more than once");
        await ShouldHaveNoSessions();
    }

    [Theory]
    [InlineData("/sessions", """{"player":"alice"}""")]
    [InlineData("/claims", """{"player":"alice","seed":1,"moves":["left"],"claimedScore":0}""")]
    public async Task a_body_in_a_charset_other_than_utf8_is_a_415_problem(string path, string body)
    {
        foreach (var charset in new[] { "bogus", "utf-16", "latin1" })
        {
            using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            content.Headers.TryAddWithoutValidation("Content-Type", $"application/json; charset={charset}");

            using var response = await Client.PostAsync(path, content);

            (await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "urn:eventapi:problem:unsupported-media-type"))
                .Detail!.ShouldContain("UTF-8");
        }

        await ShouldHaveNoSessions();
    }

    [Fact]
    public async Task a_moves_body_in_an_unknown_charset_is_a_415_problem_and_appends_nothing()
    {
        var started = await Client.StartAsync();
        using var request = SessionsClient.MovesRequest(started.Id, started.Token, ["left"]);
        request.Content = new ByteArrayContent("""{"moves":["left"]}"""u8.ToArray());
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=bogus");

        using var response = await Client.SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "urn:eventapi:problem:unsupported-media-type");
        (await Client.GetSessionAsync(started.Id)).Version.ShouldBe(1);
    }

    [Theory]
    [InlineData("moves")]
    [InlineData("abandon")]
    public async Task a_command_on_the_empty_session_id_is_a_404_problem(string command)
    {
        using var request = SessionsClient.MovesRequest(Guid.Empty, "any-token", ["left"]);
        request.RequestUri = new Uri($"/sessions/{Guid.Empty}/{command}", UriKind.Relative);

        using var response = await Client.SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "urn:eventapi:problem:session-not-found");
    }

    [Theory]
    [InlineData("at=yesterday", "'at' must be a date and time in ISO 8601")]
    [InlineData("version=abc", "'version' must be a whole number")]
    [InlineData("version=99999999999999999999", "'version' must be a whole number")]
    public async Task a_query_value_that_does_not_parse_says_what_it_must_look_like_without_naming_dotnet_types(string query, string says)
    {
        var started = await Client.StartAsync();

        using var response = await Client.GetAsync($"/sessions/{started.Id}/replay?{query}");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, Malformed);
        problem.Detail!.ShouldContain(says);
        problem.Detail!.ShouldNotContain("Nullable");
    }

    [Theory]
    [InlineData("GET", "/sessions/not-a-guid")]
    [InlineData("GET", "/sessions/123/events")]
    [InlineData("POST", "/sessions/%27%3B--/moves")]
    [InlineData("POST", "/sessions/0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c1/abandon")]
    [InlineData("GET", "/nowhere")]
    public async Task a_bad_id_or_unknown_route_is_a_404_problem(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        using var response = await Client.SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "urn:eventapi:problem:not-found");
    }

    [Fact]
    public async Task a_wrong_method_is_a_405_problem()
    {
        using var response = await Client.DeleteAsync("/sessions");

        await response.ShouldBeProblemAsync(HttpStatusCode.MethodNotAllowed, "urn:eventapi:problem:method-not-allowed");
    }

    [Theory]
    [InlineData("If-Match", "garbage")]
    [InlineData("If-Match", "1")]
    [InlineData("If-Match", "\"1")]
    [InlineData("Idempotency-Key", "has spaces in it")]
    [InlineData("Idempotency-Key", "tab\there")]
    public async Task a_garbage_header_is_a_400_problem_and_appends_nothing(string header, string value)
    {
        var (started, valid) = await Client.StartedSessionAsync();
        using var request = SessionsClient.MovesRequest(started.Id, started.Token, [valid]);
        request.Headers.TryAddWithoutValidation(header, value);

        using var response = await Client.SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "urn:eventapi:problem:invalid-header");
        (await Client.GetSessionAsync(started.Id)).Version.ShouldBe(1);
    }

    [Fact]
    public async Task an_idempotency_key_longer_than_255_characters_is_a_400_problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/sessions") { Content = SessionsClient.RawJson("""{"player":"alice"}""") };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", new string('k', 256));

        using var response = await Client.SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "urn:eventapi:problem:invalid-header");
        await ShouldHaveNoSessions();
    }

    private async Task ShouldHaveNoSessions()
    {
        await using var query = Api.Store.QuerySession();
        (await query.Query<SessionView>().CountAsync()).ShouldBe(0);
    }
}
