using Npgsql;
using Testcontainers.PostgreSql;

namespace EventApi.Integration.Infrastructure;

/// <summary>
/// The PostgreSQL server the integration tests use, started once per test run: the server named by
/// <c>EVENTAPI_TEST_POSTGRES</c> (a connection string) when it is set, as the test command sets it on machines
/// without a Docker engine; otherwise a Testcontainers PostgreSQL. Each API host gets a database of its own on it.
/// </summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "EVENTAPI_TEST_POSTGRES";

    private static readonly Lazy<Task<string>> Server = new(StartAsync);

    /// <summary>Which path was taken, for the test output.</summary>
    public static string Description { get; private set; } = "not started";

    /// <summary>Creates a fresh database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string name)
    {
        var server = await Server.Value;
        var database = $"{name}_{Guid.NewGuid():N}"[..Math.Min(name.Length + 33, 63)].ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"create database \"{database}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
    }

    private static async Task<string> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            Description = $"the server named by {EnvironmentVariable} ({new NpgsqlConnectionStringBuilder(configured).Host})";
            Console.WriteLine($"Integration tests use {Description}.");
            return configured;
        }

        PostgreSqlContainer container;
        try
        {
            container = new PostgreSqlBuilder("postgres:15-alpine").Build();
            await container.StartAsync();
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                $"No PostgreSQL for the integration tests: {EnvironmentVariable} is not set and Testcontainers could not " +
                "start a container (is a Docker engine running?). Run the tests with scripts/test.sh, which starts a " +
                "local PostgreSQL when there is no Docker engine.", e);
        }

        // The container lives as long as the test process; Testcontainers' reaper removes it afterwards.
        Description = "a Testcontainers PostgreSQL (postgres:15-alpine)";
        Console.WriteLine($"Integration tests use {Description}.");
        return container.GetConnectionString();
    }
}
