using System.Net;
using System.Text.Json;
using EventApi.Integration.Infrastructure;

namespace EventApi.Integration;

public sealed class HealthTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task live_answers_200_while_the_process_runs()
    {
        using var response = await Client.GetAsync("/health/live");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ready_answers_200_when_postgresql_answers_and_the_schema_is_in_place()
    {
        using var response = await Client.GetAsync("/health/ready");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString().ShouldBe("healthy");
    }
}
