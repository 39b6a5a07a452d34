using System.Net;
using System.Text.Json;
using EventApi.Integration.Infrastructure;
using Marten;
using Npgsql;

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

    [Fact]
    public async Task ready_answers_a_503_problem_naming_what_is_missing_when_the_schema_is_not_in_place()
    {
        var table = Api.Store.Options.FindOrResolveDocumentType(typeof(EventApi.Api.Features.Sessions.SessionAccess)).TableName.QualifiedName;
        await using (var connection = Api.Store.Storage.Database.CreateConnection())
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop table {table}", connection);
            await drop.ExecuteNonQueryAsync();
        }

        try
        {
            using var response = await Client.GetAsync("/health/ready");

            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "urn:eventapi:problem:not-ready");
            problem.Detail!.ShouldContain(table);
        }
        finally
        {
            await Api.Store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        }

        using var again = await Client.GetAsync("/health/ready");
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
