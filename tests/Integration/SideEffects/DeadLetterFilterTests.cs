using System.Net;
using EventApi.Integration.Infrastructure;

namespace EventApi.Integration.SideEffects;

/// <summary>The dead-letter filters are checked before they reach a query: a NUL or another control character, an
/// over-long value or a session id that is not a GUID is a 400 naming the filter.</summary>
public sealed class DeadLetterFilterTests(ApiFactory api) : ApiTest(api)
{
    public static TheoryData<string, string, string> BadFilters()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (method, path) in new[] { ("GET", "/admin/dead-letters"), ("POST", "/admin/dead-letters/replay") })
        {
            foreach (var filter in new[] { "messageType", "eventType", "exceptionType", "sessionId" })
            {
                data.Add(method, $"{path}?{filter}=%00", filter);
                data.Add(method, $"{path}?{filter}=web%01hook", filter);
                data.Add(method, $"{path}?{filter}={new string('x', 257)}", filter);
                data.Add(method, $"{path}?{filter}=", filter);
            }

            data.Add(method, $"{path}?sessionId=zz", "sessionId");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadFilters))]
    public async Task a_dead_letter_filter_that_is_not_printable_too_long_or_not_a_guid_is_a_400_naming_it(string method, string path, string filter)
    {
        using var response = await Client.SendAdminAsync(new HttpMethod(method), path);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "urn:eventapi:problem:validation-failed");
        problem.Errors!.Keys.ShouldBe([filter]);
    }

    [Theory]
    [InlineData("GET", "/admin/dead-letters?messageType=webhook&eventType=game_over&exceptionType=" + "x.y+Z`1")]
    [InlineData("POST", "/admin/dead-letters/replay?sessionId=0195F1C4-6A2E-7C3B-9D41-2F7A8E5B6C10&exceptionType=Timeout Exception")]
    public async Task printable_filters_of_up_to_256_characters_are_taken(string method, string path)
    {
        using var response = await Client.SendAdminAsync(new HttpMethod(method), path);

        response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync());
    }
}
