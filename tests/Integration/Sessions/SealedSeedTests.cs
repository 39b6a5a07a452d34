using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using EventApi.Api.Features.Sessions;
using EventApi.Integration.Infrastructure;

namespace EventApi.Integration.Sessions;

public sealed class SealedSeedTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task a_session_started_without_a_seed_hides_it_everywhere_until_it_ends_then_reveals_the_committed_seed()
    {
        var started = await Client.StartAsync(seed: null);
        started.Seed.ShouldBeNull();
        started.SeedCommitment.ShouldMatch("^[0-9a-f]{64}$");
        (await Client.GetSessionAsync(started.Id)).Seed.ShouldBeNull();
        var events = await Client.GetEventsAsync(started.Id);
        events[0].GetProperty("data").GetProperty("seed").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        events[0].GetProperty("data").GetProperty("seedCommitment").GetString().ShouldBe(started.SeedCommitment);

        using var abandon = await Client.AbandonAsync(started.Id, started.Token);
        var ended = (await abandon.Content.ReadFromJsonAsync<SessionResponse>(SessionsClient.Json))!;

        ended.Seed.ShouldNotBeNull();
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{started.Id}:{ended.Seed}")));
        started.SeedCommitment.ShouldBe(expected);
        (await Client.GetSessionAsync(started.Id)).Seed.ShouldBe(ended.Seed);
        var revealed = await Client.GetEventsAsync(started.Id);
        revealed[0].GetProperty("data").GetProperty("seed").GetInt64().ShouldBe(ended.Seed!.Value);
    }

    [Fact]
    public async Task sealed_seeds_differ_between_sessions()
    {
        var seeds = new HashSet<long>();
        for (var i = 0; i < 5; i++)
        {
            var started = await Client.StartAsync(seed: null);
            using var abandon = await Client.AbandonAsync(started.Id, started.Token);
            seeds.Add((await abandon.Content.ReadFromJsonAsync<SessionResponse>(SessionsClient.Json))!.Seed!.Value);
        }

        seeds.Count.ShouldBe(5);
    }

    [Fact]
    public async Task an_open_session_shows_its_seed_and_the_matching_commitment_from_the_start()
    {
        var started = await Client.StartAsync(seed: 4294967295);

        started.Seed.ShouldBe(4294967295);
        started.SeedCommitment.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{started.Id}:4294967295"))));
        (await Client.GetAsync($"/sessions/{started.Id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
