using System.Text.Json.Nodes;
using EventApi.Api.Operations;
using EventApi.Integration.Contract;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventApi.Integration.Infrastructure;

/// <summary>
/// The real API (Marten, Wolverine, the whole pipeline) in memory, against a database of its own. One per test
/// collection: host start-up costs seconds, so tests share it and reset the data between them. A collection that
/// needs other settings subclasses it and overrides <see cref="Settings"/>.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string ChallengeSecret = "integration-tests-challenge-secret-0123456789";
    public const string AdminKey = "integration-tests-admin-key-0123456789abcdef";
    public const string WebhookSigningKey = "integration-tests-webhook-signing-key-0123456789";

    /// <summary>Webhooks may be sent to this machine, where the tests' receivers listen: the API's default allows no
    /// loopback, private or otherwise internal destination.</summary>
    public static readonly IReadOnlyDictionary<string, string> LoopbackWebhooks = new Dictionary<string, string>
    {
        ["EventApi:Webhooks:AllowedNetworks:0"] = "127.0.0.0/8",
        ["EventApi:Webhooks:AllowedNetworks:1"] = "::1/128",
    };

    private string _connectionString = "";

    public IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();

    /// <summary>What the host logs, at the levels its configuration lets through.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>The connection string of the host's own database.</summary>
    public string ConnectionString => _connectionString;

    private OpenApiContract? _contract;

    /// <summary>The OpenAPI document this host serves, read once.</summary>
    public OpenApiContract Contract => _contract ??= ReadContract();

    /// <summary>A client whose every answer is checked against <see cref="Contract"/> (a violation fails the request).</summary>
    public virtual HttpClient CreateContractClient() => CreateDefaultClient(new ContractValidatingHandler(() => Contract));

    private OpenApiContract ReadContract()
    {
        using var client = CreateClient();
        var document = client.GetStringAsync("/swagger/v1/swagger.json").GetAwaiter().GetResult();
        return new OpenApiContract(JsonNode.Parse(document)!);
    }

    public async Task InitializeAsync()
    {
        _connectionString = await CreateDatabaseAsync();
        // Starts the host now, so the first test does not pay for it inside its own timing.
        StartServer();
        await WaitForEveryShardAsync();
    }

    /// <summary>The host's own database, made before the host starts: a new empty one, unless a subclass prepares another.</summary>
    protected virtual Task<string> CreateDatabaseAsync() => PostgresServer.CreateDatabaseAsync("eventapi_tests");

    /// <summary>
    /// Waits until this host (alone on its database, so the cluster's leader) runs every async shard. Wolverine's
    /// agents start them a moment after the host starts; a data reset that overlapped a shard's start could leave that
    /// shard where it was before the reset, past every new event, which it would then never process.
    /// </summary>
    private async Task WaitForEveryShardAsync()
    {
        var coordinator = Services.GetRequiredService<Marten.Events.Daemon.Coordination.IProjectionCoordinator>();
        var shards = Services.GetRequiredService<StoreOptions>().Projections.AllShards().Count;
        await WebhookReceiver.WaitUntilAsync(
            () => coordinator.RunningHere()?.CurrentAgents().Count(a => a.Status == JasperFx.AgentStatus.Running) == shards,
            "the host to run every async shard", DaemonTesting.Patience);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        // Not UseSetting: WebApplicationFactory passes host settings to Main as arguments, which the JasperFx
        // command line would read as a command. Marten reads the connection string when the store is built.
        builder.ConfigureAppConfiguration(config =>
        {
            var defaults = new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = _connectionString,
                ["EventApi:Challenges:Secret"] = ChallengeSecret,
                ["EventApi:AdminKey"] = AdminKey,
                ["EventApi:Webhooks:SigningKey"] = WebhookSigningKey,
                // Every request of the tests comes from one client: its limits are raised out of the way.
                ["EventApi:RateLimits:SessionStarts:PermitLimit"] = "1000000",
                ["EventApi:RateLimits:Claims:PermitLimit"] = "1000000",
            };
            foreach (var (key, value) in LoopbackWebhooks) defaults[key] = value;
            config.AddInMemoryCollection(Settings(defaults));
        });
    }

    /// <summary>The host's configuration: these defaults, which a subclass may change or add to.</summary>
    protected virtual IDictionary<string, string?> Settings(IDictionary<string, string?> defaults) => defaults;

    /// <summary>Deletes every event and document, so each test starts from an empty store, and makes sure the daemon
    /// takes every event appended after it.</summary>
    /// <remarks>
    /// Marten's reset pauses the daemon, deletes its progress and starts the event numbers again at 1. But Wolverine's
    /// agents, which run the shards, may start one again meanwhile (their health checks restart a shard they find
    /// stopped), and such a shard can carry on from its position before the reset, or write it back after it: with the
    /// numbers started again, it is then past the new events, and a test waits in vain for a webhook, a leaderboard or a
    /// rebuild's counts. So the numbers go on instead from the last one handed out before the reset, and the high water
    /// mark with them: no position from before the reset can be past a new event, whatever races the reset. The daemon
    /// is stopped around that, so that every shard reads its progress afresh.
    /// <para>
    /// The reset truncates the tables one after the other in one transaction; a transaction that writes two of them in
    /// the other order meanwhile (a projection's batch, a side effect's delivery) deadlocks with it, and PostgreSQL
    /// cancels one of the two. When that is the reset, it is tried again.
    /// </para>
    /// </remarks>
    public async Task ResetDataAsync()
    {
        var schema = Services.GetRequiredService<StoreOptions>().Events.DatabaseSchemaName;
        var lastHandedOut = await ScalarAsync<long>(
            $"select case when is_called then last_value else 0 end from {schema}.mt_events_sequence");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Services.ResetAllMartenDataAsync();
                break;
            }
            catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.DeadlockDetected && attempt < 3)
            {
            }
        }

        var daemon = Services.GetRequiredService<Marten.Events.Daemon.Coordination.IProjectionCoordinator>().RunningHere();
        if (daemon is not null) await daemon.StopAllAsync();
        if (lastHandedOut > 0)
        {
            await ScalarAsync<long>(
                $"insert into {schema}.mt_event_progression (name, last_seq_id) values ('HighWaterMark', {lastHandedOut}) " +
                $"on conflict (name) do update set last_seq_id = excluded.last_seq_id; select setval('{schema}.mt_events_sequence', {lastHandedOut})");
        }

        if (daemon is not null) await daemon.StartAllAsync();
    }

    /// <summary>The value <paramref name="sql"/> answers, asked of the host's database.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFactory>
{
    public const string Name = "api";
}

/// <summary>A test class in the API collection: the data is reset before each test.</summary>
[Collection(ApiCollection.Name)]
public abstract class ApiTest(ApiFactory api) : IAsyncLifetime
{
    protected ApiFactory Api { get; } = api;
    /// <summary>Talks to the API through HTTP; every answer is checked against the OpenAPI document.</summary>
    protected HttpClient Client { get; } = api.CreateContractClient();

    public virtual Task InitializeAsync() => Api.ResetDataAsync();

    public virtual Task DisposeAsync()
    {
        Client.Dispose();
        return Task.CompletedTask;
    }
}
