using System.Net;
using EventApi.Api.Features.Claims;
using EventApi.Integration.Infrastructure;
using EventApi.Projections.Claims;
using Marten;

namespace EventApi.Integration.Claims;

/// <summary>A bad claim is a 4xx problem and records nothing: no claim stream, no event.</summary>
public sealed class ClaimBadInputTests(ApiFactory api) : ApiTest(api)
{
    private const string Validation = "urn:eventapi:problem:validation-failed";
    private const string Malformed = "urn:eventapi:problem:malformed-request";

    [Theory]
    [InlineData("{}", Validation)]
    [InlineData("""{"seed":1,"moves":["left"],"claimedScore":0}""", Validation)]
    [InlineData("""{"player":"","seed":1,"moves":["left"],"claimedScore":0}""", Validation)]
    [InlineData("""{"player":"abcdefghijklmnopqrstuvwxyz1234567","seed":1,"moves":["left"],"claimedScore":0}""", Validation)]
    [InlineData("""{"player":"bad\u0001name","seed":1,"moves":["left"],"claimedScore":0}""", Validation)]
    [InlineData("""{"player":"alice","moves":["left"],"claimedScore":0}""", Validation)]
    [InlineData("""{"player":"alice","seed":-1,"moves":["left"],"claimedScore":0}""", Validation)]
    [InlineData("""{"player":"alice","seed":4294967296,"moves":["left"],"claimedScore":0}""", Validation)]
    [InlineData("""{"player":"alice","seed":1,"claimedScore":0}""", Validation)]
    [InlineData("""{"player":"alice","seed":1,"moves":[],"claimedScore":0}""", Validation)]
    [InlineData("""{"player":"alice","seed":1,"moves":["north"],"claimedScore":0}""", Validation)]
    [InlineData("""{"player":"alice","seed":1,"moves":[null],"claimedScore":0}""", Validation)]
    [InlineData("""{"player":"alice","seed":1,"moves":["left"]}""", Validation)]
    [InlineData("""{"player":"alice","seed":1,"moves":["left"],"claimedScore":-4}""", Validation)]
    [InlineData("""{"player":"alice","seed":1,"moves":["left"],"claimedScore":2147483648}""", Validation)]
    [InlineData("""{"player":"alice","seed":"1","moves":["left"],"claimedScore":0}""", Malformed)]
    [InlineData("""{"player":"alice","seed":1,"moves":"left","claimedScore":0}""", Malformed)]
    [InlineData("""{"player":"alice","seed":1,"moves":["left"],"claimedScore":1.5}""", Malformed)]
    [InlineData("""{"player":"alice","seed":1,"moves":["left"],"claimedScore":0,"verified":true}""", Malformed)]
    [InlineData("""{"player":"alice","seed":1,"moves":["left"]""", Malformed)]
    [InlineData("null", Malformed)]
    public async Task a_bad_claim_is_a_400_problem_and_records_nothing(string body, string type)
    {
        using var response = await Client.PostAsync("/claims", SessionsClient.RawJson(body));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, type);
        await ShouldHaveRecordedNothing();
    }

    [Fact]
    public async Task validation_lists_every_failing_field_and_every_unknown_direction_by_its_index()
    {
        using var response = await Client.PostAsync("/claims", SessionsClient.RawJson(
            """{"player":"","seed":-1,"moves":["left","north","up","south"],"claimedScore":-1}"""));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, Validation);
        problem.Errors!.Keys.ShouldBe(["player", "seed", "moves[1]", "moves[3]", "claimedScore"], ignoreOrder: true);
        await ShouldHaveRecordedNothing();
    }

    [Fact]
    public async Task more_than_100000_moves_is_a_400_problem()
    {
        using var response = await Client.ClaimAsync(1, Enumerable.Repeat("left", SubmitClaimRequest.MaxMoves + 1), 0);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, Validation);
        problem.Errors!.Keys.ShouldBe(["moves"]);
        await ShouldHaveRecordedNothing();
    }

    [Fact]
    public async Task a_body_over_2_mib_is_a_413_problem()
    {
        using var response = await Client.ClaimAsync(1, Enumerable.Repeat("right", 300_000), 0);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "urn:eventapi:problem:request-too-large");
        await ShouldHaveRecordedNothing();
    }

    private async Task ShouldHaveRecordedNothing()
    {
        await using var query = Api.Store.QuerySession();
        (await query.Query<ClaimView>().CountAsync()).ShouldBe(0);
        (await query.Events.QueryAllRawEvents().CountAsync()).ShouldBe(0);
    }
}
