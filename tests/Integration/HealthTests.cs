using System.Net;
using System.Text.Json;
using EventApi.Api.Operations;
using EventApi.Api.Infrastructure.Daemon;
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
    public async Task ready_reports_the_projections_healthy_once_every_async_shard_runs_caught_up()
    {
        await Client.SessionWithMovesAsync("alice", 12345, moves: 3);
        await Api.WaitForProjectionsAsync();

        using var response = await Client.GetAsync("/health/ready");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("status").GetString().ShouldBe("healthy");
        body.RootElement.GetProperty("checks").GetProperty("projections").GetProperty("status").GetString().ShouldBe("healthy");
    }

    [Fact]
    public void readiness_names_every_shard_that_is_not_running_or_lags_past_a_limit_and_only_those()
    {
        var limits = new ProjectionsOptions { MaxLagEvents = 100, MaxLagSeconds = 30 };
        ShardProgress Shard(string name, ShardStatus status = ShardStatus.Running, long lagEvents = 0, double lagSeconds = 0) => new()
        {
            Name = name, Projection = name, Sequence = 1000 - lagEvents, HighWaterMark = 1000, LagEvents = lagEvents,
            LagSeconds = lagSeconds, Status = status, RunningHere = true, Node = 1, DeadLetters = 0,
        };
        var report = new DaemonReport
        {
            HighWaterMark = 1000,
            ThisNode = 1,
            Nodes = [],
            Shards =
            [
                Shard("fine:All", lagEvents: 100, lagSeconds: 30),
                Shard("stopped:All", ShardStatus.Stopped),
                Shard("many-events:All", lagEvents: 101),
                Shard("old-events:All", lagEvents: 2, lagSeconds: 30.5),
            ],
        };

        var reasons = ProjectionsReadyCheck.Assess(report, limits);

        reasons.ShouldBe([
            "stopped:All is stopped.",
            "many-events:All is 101 events behind (limit 100).",
            "old-events:All is 30.5 s behind (limit 30 s).",
        ]);
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
