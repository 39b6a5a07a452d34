using System.Net;
using EventApi.Integration.Infrastructure;

namespace EventApi.Integration.Sessions;

public sealed class TokenTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task moving_without_a_token_is_401_with_a_bearer_challenge()
    {
        var started = await Client.StartAsync();

        using var response = await Client.MoveAsync(started.Id, token: null, ["left"]);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "urn:eventapi:problem:missing-token");
        response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
    }

    [Theory]
    [InlineData("Basic YWxpY2U6c2VjcmV0")]
    [InlineData("Bearer")]
    [InlineData("Bearer    ")]
    [InlineData("token-without-scheme")]
    public async Task a_malformed_authorization_header_is_401(string header)
    {
        var started = await Client.StartAsync();
        using var request = SessionsClient.MovesRequest(started.Id, null, ["left"]);
        request.Headers.TryAddWithoutValidation("Authorization", header);

        using var response = await Client.SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "urn:eventapi:problem:missing-token");
    }

    [Fact]
    public async Task another_sessions_token_is_403_and_appends_nothing()
    {
        var mine = await Client.StartAsync("alice");
        var theirs = await Client.StartAsync("bob");

        using var move = await Client.MoveAsync(mine.Id, theirs.Token, ["left"]);
        await move.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "urn:eventapi:problem:invalid-token");
        using var abandon = await Client.AbandonAsync(mine.Id, theirs.Token + "x");
        await abandon.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "urn:eventapi:problem:invalid-token");

        (await Client.GetSessionAsync(mine.Id)).Version.ShouldBe(1);
    }

    [Fact]
    public async Task tokens_are_long_random_and_stored_only_as_hashes()
    {
        var a = await Client.StartAsync("alice");
        var b = await Client.StartAsync("alice");

        a.Token.ShouldNotBe(b.Token);
        Convert.FromBase64String(a.Token.Replace('-', '+').Replace('_', '/') + "=").Length.ShouldBeGreaterThanOrEqualTo(16);
        (await Database.CountRowsContaining(Api, a.Token)).ShouldBe(0);
        (await Client.GetEventsAsync(a.Id)).ToString()!.ShouldNotContain(a.Token);
    }

    [Fact]
    public async Task the_token_is_shown_only_when_the_session_starts()
    {
        var started = await Client.StartAsync();

        var body = await Client.GetStringAsync($"/sessions/{started.Id}");

        body.ShouldNotContain(started.Token);
        body.ShouldNotContain("\"token\"");
    }
}
